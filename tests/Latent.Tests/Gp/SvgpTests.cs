using Latent.Gp;
using Latent.Gp.Kernels;
using Latent.Gp.Likelihoods;
using Latent.Gp.MeanFunctions;
using Latent.Gp.Models;
using Latent.Training;
using static TorchSharp.torch;

namespace Latent.Tests.Gp;

public class SvgpTests
{
    private const int N = 8;
    private const double Noise = 0.1;
    private const double KernelVariance = 1.3;
    private const double Lengthscale = 0.8;

    public SvgpTests() => LatentRuntime.Initialize();

    private static (double[,] X, double[,] Y, double[,] XTest) Data()
    {
        var random = new Random(21);
        var x = new double[N, 1];
        var y = new double[N, 1];
        for (var i = 0; i < N; i++)
        {
            x[i, 0] = -2 + 4.0 * i / (N - 1) + 0.1 * random.NextDouble();
            y[i, 0] = Math.Sin(2 * x[i, 0]) + 0.3 * (random.NextDouble() - 0.5);
        }
        return (x, y, new double[,] { { -1.7 }, { 0.25 }, { 1.1 }, { 3.0 } });
    }

    private static double[,] KernelMatrix(double[,] a, double[,] b)
    {
        var k = new double[a.GetLength(0), b.GetLength(0)];
        for (var i = 0; i < a.GetLength(0); i++)
        for (var j = 0; j < b.GetLength(0); j++)
            k[i, j] = KernelVariance * Math.Exp(-0.5 * Math.Pow((a[i, 0] - b[j, 0]) / Lengthscale, 2));
        return k;
    }

    private static double ReferenceLogMarginalLikelihood(double[,] x, double[,] y)
    {
        var covariance = Dense.AddDiagonal(KernelMatrix(x, x), Noise);
        var inverse = Dense.Inverse(covariance);
        var quadratic = 0.0;
        for (var i = 0; i < N; i++)
        for (var j = 0; j < N; j++) quadratic += y[i, 0] * inverse[i, j] * y[j, 0];
        return -0.5 * quadratic - 0.5 * Dense.LogDet(covariance) - 0.5 * N * Math.Log(2 * Math.PI);
    }

    /// <summary>The exact posterior of f at the training inputs: mean K(K + σ²I)⁻¹y and covariance K − K(K + σ²I)⁻¹K.</summary>
    private static (double[,] Mean, double[,] Covariance) ExactPosterior(double[,] x, double[,] y)
    {
        var k = KernelMatrix(x, x);
        var gain = Dense.Multiply(k, Dense.Inverse(Dense.AddDiagonal(k, Noise)));
        var mean = Dense.Multiply(gain, y);
        var reduction = Dense.Multiply(gain, k);
        var covariance = new double[N, N];
        for (var i = 0; i < N; i++)
        for (var j = 0; j < N; j++) covariance[i, j] = 0.5 * (k[i, j] - reduction[i, j] + k[j, i] - reduction[j, i]);
        return (mean, covariance);
    }

    private static Svgp RegressionSvgp(Tensor z, bool whiten, bool qDiagonal = false, bool trainZ = false) =>
        new(new SquaredExponential(KernelVariance, [Lengthscale]), new Gaussian(Noise), z, 1, N,
            new SvgpOptions { Whiten = whiten, QDiagonal = qDiagonal, TrainInducingInputs = trainZ, Jitter = 1e-12 });

    [Fact]
    public void GprMatchesDenseLogMarginalLikelihoodAndPosterior()
    {
        var (x, y, xTest) = Data();
        var gpr = new Gpr(new SquaredExponential(KernelVariance, [Lengthscale]), Dense.ToTensor(x), Dense.ToTensor(y), Noise);
        Assert.Equal(ReferenceLogMarginalLikelihood(x, y), gpr.LogMarginalLikelihood().item<double>(), 1e-10);

        var inverse = Dense.Inverse(Dense.AddDiagonal(KernelMatrix(x, x), Noise));
        var cross = KernelMatrix(xTest, x);
        var mean = Dense.Multiply(Dense.Multiply(cross, inverse), y);
        var reduction = Dense.Multiply(Dense.Multiply(cross, inverse), Dense.Transpose(cross));
        var (predictedMean, predictedVariance) = gpr.PredictF(Dense.ToTensor(xTest));
        var m = predictedMean.data<double>().ToArray();
        var v = predictedVariance.data<double>().ToArray();
        for (var i = 0; i < xTest.GetLength(0); i++)
        {
            Assert.Equal(mean[i, 0], m[i], 1e-10);
            Assert.Equal(KernelVariance - reduction[i, i], v[i], 1e-10);
        }
    }

    [Fact]
    public void GprWithConstantMeanIsZeroMeanGprOnShiftedTargets()
    {
        var (x, y, _) = Data();
        var shifted = (double[,])y.Clone();
        for (var i = 0; i < N; i++) shifted[i, 0] -= 0.7;
        var gpr = new Gpr(new SquaredExponential(KernelVariance, [Lengthscale]), Dense.ToTensor(x), Dense.ToTensor(y), Noise, new ConstantMean(0.7));
        Assert.Equal(ReferenceLogMarginalLikelihood(x, shifted), gpr.LogMarginalLikelihood().item<double>(), 1e-10);
        var far = gpr.PredictF(Dense.ToTensor(new double[,] { { 50.0 } })).Mean.item<double>();
        Assert.Equal(0.7, far, 1e-10);
    }

    [Theory]
    [InlineData(true)]
    [InlineData(false)]
    public void SvgpWithInducingAtDataAndOptimalQRecoversGpr(bool whiten)
    {
        var (x, y, xTest) = Data();
        var (mean, covariance) = ExactPosterior(x, y);
        double[,] qMean, qSqrt;
        if (whiten)
        {
            var inverseFactor = Dense.Inverse(Dense.Cholesky(Dense.AddDiagonal(KernelMatrix(x, x), 1e-12)));
            qMean = Dense.Multiply(inverseFactor, mean);
            qSqrt = Dense.Cholesky(Dense.Multiply(Dense.Multiply(inverseFactor, covariance), Dense.Transpose(inverseFactor)));
        }
        else
        {
            qMean = mean;
            qSqrt = Dense.Cholesky(covariance);
        }
        var model = RegressionSvgp(Dense.ToTensor(x), whiten);
        model.AssignVariational(Dense.ToTensor(qMean), Dense.ToTensor(qSqrt).unsqueeze(0));

        Assert.Equal(ReferenceLogMarginalLikelihood(x, y), model.Elbo(Dense.ToTensor(x), Dense.ToTensor(y)).item<double>(), 1e-6);
        var gpr = new Gpr(new SquaredExponential(KernelVariance, [Lengthscale]), Dense.ToTensor(x), Dense.ToTensor(y), Noise);
        var (gprMean, gprVariance) = gpr.PredictF(Dense.ToTensor(xTest));
        var (svgpMean, svgpVariance) = model.PredictF(Dense.ToTensor(xTest));
        Assert.True(gprMean.allclose(svgpMean, rtol: 0, atol: 1e-6));
        Assert.True(gprVariance.allclose(svgpVariance, rtol: 0, atol: 1e-6));
    }

    /// <summary>The ELBO of every step of a training curve, whose losses are −ELBO per training example.</summary>
    private static double[] Elbos(LearningCurve curve, int count) => curve.Steps.Select(point => -point.Value * count).ToArray();

    [Fact]
    public void NaturalGradientStepsOnThePerExampleLossEqualStepsOnTheElbo()
    {
        var (x, y, _) = Data();
        var (total, perExample) = (RegressionSvgp(Dense.ToTensor(x), whiten: true), RegressionSvgp(Dense.ToTensor(x), whiten: true));
        (-total.Elbo(Dense.ToTensor(x), Dense.ToTensor(y))).backward();
        (-perExample.Elbo(Dense.ToTensor(x), Dense.ToTensor(y)) / N).backward();
        NaturalGradient.Step(total, 0.3);
        NaturalGradient.Step(perExample, 0.3, N);
        Assert.True(perExample.VariationalMean.allclose(total.VariationalMean, rtol: 1e-10, atol: 1e-12));
        Assert.True(perExample.VariationalSqrt.allclose(total.VariationalSqrt, rtol: 1e-10, atol: 1e-12));
    }

    [Fact]
    public void TrainingQWithAdamConvergesToTheLogMarginalLikelihood()
    {
        var (x, y, _) = Data();
        var model = RegressionSvgp(Dense.ToTensor(x), whiten: true);
        foreach (var p in model.Kernel.parameters().Concat(model.Likelihood.parameters())) p.requires_grad = false;
        var elbos = Elbos(SvgpTraining.Train(model, Dense.ToTensor(x), Dense.ToTensor(y), new SvgpTrainingSettings(300, N, 0.1)), N);
        var reference = ReferenceLogMarginalLikelihood(x, y);
        Assert.True(elbos[0] < reference - 1.0, $"the initial ELBO {elbos[0]} should be well below the bound {reference}");
        Assert.Equal(reference, elbos[^1], 2e-2);
        Assert.True(elbos[^1] <= reference + 1e-8, "the ELBO must not exceed the log marginal likelihood");
    }

    /// <summary>
    /// With Z = X and whitening, f = Lv (K = LLᵀ), so for the Gaussian likelihood q(v) is optimal at mean H⁻¹b and covariance
    /// H⁻¹, where H = I + LᵀL/σ² and b = Lᵀy/σ²; the best diagonal q keeps that mean and has variances 1/diag(H).
    /// </summary>
    private static (double[] Mean, double[,] Covariance, double[] MeanFieldVariance) WhitenedPosterior(double[,] x, double[,] y)
    {
        var factor = Dense.Cholesky(Dense.AddDiagonal(KernelMatrix(x, x), 1e-12));
        var gram = Dense.Multiply(Dense.Transpose(factor), factor);
        var precision = new double[N, N];
        for (var i = 0; i < N; i++)
        for (var j = 0; j < N; j++) precision[i, j] = gram[i, j] / Noise + (i == j ? 1 : 0);
        var covariance = Dense.Inverse(precision);
        var mean = Dense.Multiply(covariance, Dense.Multiply(Dense.Transpose(factor), y));
        return (Enumerable.Range(0, N).Select(i => mean[i, 0] / Noise).ToArray(), covariance, Enumerable.Range(0, N).Select(i => 1 / precision[i, i]).ToArray());
    }

    [Fact]
    public void OneNaturalGradientStepOfSizeOneLandsOnTheExactPosterior()
    {
        var (x, y, _) = Data();
        var (optimalMean, optimalCovariance, _) = WhitenedPosterior(x, y);
        var model = RegressionSvgp(Dense.ToTensor(x), whiten: true);
        (-model.Elbo(Dense.ToTensor(x), Dense.ToTensor(y))).backward();
        NaturalGradient.Step(model, 1.0);
        var mean = model.VariationalMean.data<double>().ToArray();
        var sqrt = model.VariationalSqrt[0];
        var covariance = Dense.ToMatrix(sqrt.matmul(sqrt.transpose(0, 1)));
        for (var i = 0; i < N; i++)
        {
            Assert.Equal(optimalMean[i], mean[i], 1e-8);
            for (var j = 0; j < N; j++) Assert.Equal(optimalCovariance[i, j], covariance[i, j], 1e-8);
        }
        Assert.Equal(ReferenceLogMarginalLikelihood(x, y), model.Elbo(Dense.ToTensor(x), Dense.ToTensor(y)).item<double>(), 1e-6);
    }

    [Fact]
    public void AFullStepThatWouldLeaveTheCovarianceIndefiniteIsHalvedUntilItIsNot()
    {
        var (x, y, _) = Data();
        var model = RegressionSvgp(Dense.ToTensor(x), whiten: true);
        (50 * model.Elbo(Dense.ToTensor(x), Dense.ToTensor(y))).backward();
        NaturalGradient.Step(model, 1.0);
        var sqrt = model.VariationalSqrt[0];
        var eigenvalues = linalg.eigvalsh(sqrt.matmul(sqrt.transpose(0, 1))).data<double>().ToArray();
        Assert.All(eigenvalues, e => Assert.True(e > 1, $"pushed towards more variance, S's eigenvalue {e} should exceed the prior's 1"));
        Assert.All(model.VariationalMean.data<double>(), m => Assert.True(double.IsFinite(m)));
    }

    [Fact]
    public void DiagonalNaturalGradientStepsReachTheMeanFieldOptimum()
    {
        var (x, y, _) = Data();
        var (optimalMean, _, optimalVariance) = WhitenedPosterior(x, y);
        var model = RegressionSvgp(Dense.ToTensor(x), whiten: true, qDiagonal: true);
        foreach (var p in model.Kernel.parameters().Concat(model.Likelihood.parameters())) p.requires_grad = false;
        (-model.Elbo(Dense.ToTensor(x), Dense.ToTensor(y))).backward();
        NaturalGradient.Step(model, 1.0);
        var variance = model.VariationalSqrt.square().data<double>().ToArray();
        for (var i = 0; i < N; i++) Assert.Equal(optimalVariance[i], variance[i], 1e-9);

        var elbos = Elbos(SvgpTraining.Train(model, Dense.ToTensor(x), Dense.ToTensor(y), new SvgpTrainingSettings(1000, N, 0.01) { NaturalGradientStep = 0.5 }), N);
        var mean = model.VariationalMean.data<double>().ToArray();
        variance = model.VariationalSqrt.square().data<double>().ToArray();
        for (var i = 0; i < N; i++)
        {
            Assert.Equal(optimalMean[i], mean[i], 1e-6);
            Assert.Equal(optimalVariance[i], variance[i], 1e-9);
        }
        Assert.True(elbos[^1] > elbos[0]);
    }

    [Fact]
    public void NaturalGradientStepsRefuseBadSizesAndMissingGradients()
    {
        var (x, y, _) = Data();
        var model = RegressionSvgp(Dense.ToTensor(x), whiten: true, qDiagonal: true);
        Assert.Throws<LatentException>(() => NaturalGradient.Step(model, 0.1));
        Assert.Throws<LatentException>(() => SvgpTraining.Train(model, Dense.ToTensor(x), Dense.ToTensor(y), new SvgpTrainingSettings(1, N, 0.01) { NaturalGradientStep = 1.5 }));
        (-model.Elbo(Dense.ToTensor(x), Dense.ToTensor(y))).backward();
        Assert.Throws<LatentException>(() => NaturalGradient.Step(model, 0));
    }

    [Fact]
    public void MinibatchElbosAverageToTheFullBatchElbo()
    {
        var (x, y, _) = Data();
        var model = RegressionSvgp(Dense.ToTensor(x).narrow(0, 0, 3), whiten: false, qDiagonal: true);
        using var generator = new Generator(4, CPU);
        model.AssignVariational(randn(3, 1, dtype: float64, generator: generator), rand(3, 1, dtype: float64, generator: generator) + 0.2);
        var tx = Dense.ToTensor(x);
        var ty = Dense.ToTensor(y);
        var full = model.Elbo(tx, ty).item<double>();
        var halves = (model.Elbo(tx.narrow(0, 0, 4), ty.narrow(0, 0, 4)).item<double>() + model.Elbo(tx.narrow(0, 4, 4), ty.narrow(0, 4, 4)).item<double>()) / 2;
        Assert.Equal(full, halves, 1e-10);
    }

    [Theory]
    [InlineData(true)]
    [InlineData(false)]
    public void AFullCovarianceCopyStartsWhereTheDiagonalQIs(bool whiten)
    {
        var (x, y, xTest) = Data();
        var model = RegressionSvgp(Dense.ToTensor(x).narrow(0, 0, 4), whiten, qDiagonal: true, trainZ: true);
        using var generator = new Generator(6, CPU);
        model.AssignVariational(randn(4, 1, dtype: float64, generator: generator), rand(4, 1, dtype: float64, generator: generator) + 0.2);
        var full = model.WithFullCovariance();
        Assert.False(full.QDiagonal);
        Assert.Equal(whiten, full.Whiten);
        Assert.Equal(model.Elbo(Dense.ToTensor(x), Dense.ToTensor(y)).item<double>(), full.Elbo(Dense.ToTensor(x), Dense.ToTensor(y)).item<double>(), 1e-10);
        var (diagonalMean, diagonalVariance) = model.PredictF(Dense.ToTensor(xTest));
        var (fullMean, fullVariance) = full.PredictF(Dense.ToTensor(xTest));
        Assert.True(fullMean.allclose(diagonalMean, rtol: 0, atol: 1e-12));
        Assert.True(fullVariance.allclose(diagonalVariance, rtol: 0, atol: 1e-12));
        Assert.True(full.InducingInputs.equal(model.InducingInputs).all().item<bool>());
        Assert.Throws<LatentException>(() => full.WithFullCovariance());
    }

    [Fact]
    public void PredictFSamplesFollowTheFullPredictiveCovarianceAndAreSeeded()
    {
        var (x, _, xTest) = Data();
        var model = RegressionSvgp(Dense.ToTensor(x).narrow(0, 0, 4), whiten: true);
        var points = Dense.ToTensor(xTest).narrow(0, 0, 3);
        var (mean, covariance) = model.PredictF(points, fullCov: true);
        const int count = 20000;
        var samples = model.PredictFSamples(points, count, new Generator(9, CPU));
        Assert.Equal(new long[] { count, 3, 1 }, samples.shape);
        var centered = samples.squeeze(2) - mean.squeeze(1);
        var empirical = centered.transpose(0, 1).matmul(centered) / count;
        Assert.True(empirical.allclose(covariance[0], rtol: 0, atol: 0.05), "sample covariance should match the predictive covariance");
        Assert.True(samples.mean([0]).allclose(mean, rtol: 0, atol: 0.03));
        Assert.True(samples.equal(model.PredictFSamples(points, count, new Generator(9, CPU))).all().item<bool>());
    }

    [Fact]
    public void RobustMaxSvgpLearnsSeparatedClasses()
    {
        using var generator = new Generator(2, CPU);
        using var centers = tensor(new[] { -2.0, 0.0, 2.0, 0.0, 0.0, 2.5 }, [3, 2], dtype: float64);
        var labels = arange(0, 90, dtype: int64) % 3;
        var x = centers.index_select(0, labels) + 0.5 * randn(90, 2, dtype: float64, generator: generator);
        var model = new Svgp(new Matern52(1.0, [1.0, 1.0]), new MultiClass(3, new RobustMax()), InducingPoints.EveryKth(x, 6), 3, 90,
            new SvgpOptions { QDiagonal = true });
        var elbos = Elbos(SvgpTraining.Train(model, x, labels, new SvgpTrainingSettings(80, 30, 0.1), new TrainerOptions { Seed = 2 }), 90);
        Assert.True(elbos.TakeLast(10).Average() > elbos.Take(10).Average() + 10);
        var (probabilities, _) = model.PredictY(x);
        var accuracy = probabilities.argmax(1).eq(labels).to(float64).mean().item<double>();
        Assert.True(accuracy >= 0.9, $"training accuracy {accuracy}");
        Assert.True(probabilities.sum(1).allclose(ones(90, dtype: float64), rtol: 0, atol: 2e-3));
        Assert.Contains("qSqrt.unconstrained", model.state_dict().Keys);
        Assert.Contains("kernel.lengthscales.unconstrained", model.state_dict().Keys);
    }

    [Fact]
    public void InducingInitialisationsPickRowsAndClusterCentres()
    {
        using var x = arange(0, 20, dtype: float64).reshape(10, 2);
        Assert.Equal(new[] { 0.0, 1.0, 6.0, 7.0, 12.0, 13.0, 18.0, 19.0 }, InducingPoints.EveryKth(x, 3).data<double>().ToArray());
        using var generator = new Generator(5, CPU);
        var clusters = cat([randn(50, 2, dtype: float64, generator: generator) * 0.1 + 5.0, randn(50, 2, dtype: float64, generator: generator) * 0.1 - 5.0], 0);
        var centres = InducingPoints.KMeans(clusters, 2, generator).data<double>().ToArray();
        var firstCoordinates = new[] { centres[0], centres[2] }.Order().ToArray();
        Assert.Equal(-5.0, firstCoordinates[0], 0.1);
        Assert.Equal(5.0, firstCoordinates[1], 0.1);
    }

    [Fact]
    public void BadInputsThrowLatentException()
    {
        var (x, y, _) = Data();
        var model = RegressionSvgp(Dense.ToTensor(x), whiten: true);
        using var wrongWidth = zeros(3, 2, dtype: float64);
        Assert.Throws<LatentException>(() => model.PredictF(wrongWidth));
        Assert.Throws<LatentException>(() => model.AssignVariational(zeros(N, 2, dtype: float64), zeros(1, N, N, dtype: float64)));
        using var withNaN = full(3, 1, double.NaN, dtype: float64);
        Assert.Throws<LatentException>(() => RegressionSvgp(withNaN, whiten: true));
        Assert.Throws<LatentException>(() => InducingPoints.EveryKth(Dense.ToTensor(x), 0));
        Assert.Throws<LatentException>(() => new Gpr(new Linear(), Dense.ToTensor(x), Dense.ToTensor(y).narrow(0, 0, 3)));
    }

    [Fact]
    public void CosineLearningRateRunsFromTheFirstToTheLastRate()
    {
        Assert.Equal(0.02, SvgpTraining.CosineRate(0.02, 0.001, 0, 101), 12);
        Assert.Equal(0.001, SvgpTraining.CosineRate(0.02, 0.001, 100, 101), 12);
        Assert.Equal(0.0105, SvgpTraining.CosineRate(0.02, 0.001, 50, 101), 12);
        Assert.Equal(0.001 + 0.019 * (1 + Math.Cos(Math.PI / 4)) / 2, SvgpTraining.CosineRate(0.02, 0.001, 25, 101), 12);
        Assert.Equal(0.02, SvgpTraining.CosineRate(0.02, 0.001, 0, 1), 12);
    }
}
