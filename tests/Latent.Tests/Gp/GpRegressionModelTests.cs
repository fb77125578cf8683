using Latent.Gp;
using Latent.Gp.Kernels;
using Latent.Gp.MeanFunctions;
using Latent.Gp.Models;
using Latent.Training;
using static TorchSharp.torch;

namespace Latent.Tests.Gp;

public class GpRegressionModelTests
{
    public GpRegressionModelTests() => LatentRuntime.Initialize();

    private static readonly double[] Inputs = [0.1, -0.5, 0.7, 0.3, -0.9, 0.8, 0.4, -0.2, -0.3, -0.7, 0.9, 0.6];
    private static readonly double[] Targets = [0.3, 1.0, -0.2, 0.5, 0.8, -0.4, 0.1, 0.9, -0.6, 0.2, 0.5, -0.1];

    /// <summary>
    /// log p(Y | X) of these six points and two outputs under Matérn-5/2 (variance 1.5, ARD lengthscales 0.7 and 1.3) with noise
    /// variance 0.1, computed with numpy (/usr/bin/python3: K from the Matérn formula, Cholesky and slogdet agree to the last digit).
    /// </summary>
    private const double NumpyLogMarginalLikelihood = -12.145887229443243;

    private static Tensor X() => tensor(Inputs, [6, 2], dtype: float64);

    private static Tensor Y() => tensor(Targets, [6, 2], dtype: float64);

    [Fact]
    public void GprLogMarginalLikelihoodMatchesNumpy()
    {
        using var x = X();
        using var y = Y();
        using var gpr = new Gpr(new Matern52(1.5, [0.7, 1.3]), x, y, noiseVariance: 0.1);
        Assert.Equal(NumpyLogMarginalLikelihood, gpr.LogMarginalLikelihood().item<double>(), 10);
        Assert.Equal(-NumpyLogMarginalLikelihood / 6, gpr.TrainingLoss().item<double>(), 10);
    }

    [Fact]
    public void SgprBoundEqualsTheMarginalLikelihoodWithZEqualXAndLiesBelowItOtherwise()
    {
        using var x = X();
        using var y = Y();
        using var full = new Sgpr(new Matern52(1.5, [0.7, 1.3]), x, y, x, noiseVariance: 0.1, jitter: 1e-12);
        Assert.Equal(NumpyLogMarginalLikelihood, full.Elbo().item<double>(), 6);
        foreach (var rows in new[] { new long[] { 0, 2 }, [1, 3, 5], [0, 1, 2, 3, 4] })
        {
            using var z = x.index_select(0, tensor(rows));
            using var sparse = new Sgpr(new Matern52(1.5, [0.7, 1.3]), x, y, z, noiseVariance: 0.1);
            Assert.True(sparse.Elbo().item<double>() < NumpyLogMarginalLikelihood, $"bound with {rows.Length} inducing points");
        }
        // The predictions with Z = X are exact GPR's.
        using var gpr = new Gpr(new Matern52(1.5, [0.7, 1.3]), x, y, noiseVariance: 0.1);
        using var test = tensor(new[] { 0.2, 0.2, -1.0, 0.5 }, [2, 2], dtype: float64);
        var (exactMean, exactVariance) = gpr.PredictF(test);
        var (sparseMean, sparseVariance) = full.PredictF(test);
        Assert.True(exactMean.allclose(sparseMean, rtol: 0, atol: 1e-6));
        Assert.True(exactVariance.allclose(sparseVariance, rtol: 0, atol: 1e-6));
    }

    [Fact]
    public void SgprBoundAndGradientsDoNotDependOnTheRowBlocks()
    {
        using var x = X();
        using var y = Y();
        using var z = x.index_select(0, tensor(new long[] { 0, 2, 4 }));
        using var whole = new Sgpr(new Matern52(1.5, [0.7, 1.3]), x, y, z, noiseVariance: 0.1);
        using var blocked = new Sgpr(new Matern52(1.5, [0.7, 1.3]), x, y, z, noiseVariance: 0.1, rowsPerBlock: 4);
        var expected = whole.Elbo();
        var actual = blocked.Elbo();
        Assert.Equal(expected.item<double>(), actual.item<double>(), 12);
        expected.backward();
        actual.backward();
        foreach (var (left, right) in whole.parameters().Zip(blocked.parameters()))
            Assert.True(left.grad!.allclose(right.grad!, rtol: 1e-10, atol: 1e-12), "gradients agree");
    }

    [Fact]
    public void SgprBoundStaysFiniteAndBelowTheMarginalLikelihoodWhenKuuIsIllConditioned()
    {
        // Long lengthscales and a large variance (where exact GPR's optimum lies on smooth data) make Kuu nearly singular: its smallest
        // eigenvalue is the jitter, 1e-6, beside a largest of about 1e8.
        using var generator = new Generator(3);
        using var x = rand(new long[] { 400, 3 }, dtype: float64, generator: generator) * 3 - 1.5;
        using var y = (2 * x[.., 0..1]).sin() + 0.5 * x[.., 1..2].square() + 0.1 * randn(new long[] { 400, 1 }, dtype: float64, generator: generator);
        using var z = x[..60];
        using var sgpr = new Sgpr(new Matern52(2e6, [70.0, 300.0, 5000.0]), x, y, z, noiseVariance: 0.0075);
        using var gpr = new Gpr(new Matern52(2e6, [70.0, 300.0, 5000.0]), x, y, noiseVariance: 0.0075);
        var bound = sgpr.Elbo().item<double>();
        var exact = gpr.LogMarginalLikelihood().item<double>();
        Assert.True(double.IsFinite(bound) && bound <= exact + 1e-6 * Math.Abs(exact), $"bound {bound}, log marginal likelihood {exact}");
        Assert.True(bound > exact - 0.05 * Math.Abs(exact), $"60 inducing points on a smooth function bound it closely: {bound} vs {exact}");
    }

    [Fact]
    public void LargestExactCountIsTheLastNWhosePeakMemoryFitsTheLimit()
    {
        Assert.Equal(160.0 * 8 * 3000 * 3000, GpRegressor.ExactMemoryBytes(3000));
        var largest = GpRegressor.LargestExactCount();
        Assert.True(GpRegressor.ExactMemoryBytes(largest) <= GpRegressor.ExactMemoryLimitBytes(), $"N = {largest} fits");
        Assert.True(GpRegressor.ExactMemoryBytes(largest + 1) > GpRegressor.ExactMemoryLimitBytes(), $"N = {largest + 1} does not");
    }

    [Fact]
    public void LbfgsThroughTheTrainerReachesAStationaryPointOfTheMarginalLikelihood()
    {
        using var x = X();
        using var y = Y();
        using var gpr = new Gpr(new Matern52(1.0, [1.0, 1.0]), x, y, noiseVariance: 1.0);
        var before = gpr.LogMarginalLikelihood().item<double>();
        var trainer = new Trainer(gpr, new OptimizerSettings(OptimizerKind.Lbfgs, 1.0), new TrainerOptions { Epochs = 10, BatchSize = 6, Shuffle = false });
        var curve = trainer.Fit(6, _ => gpr.TrainingLoss());
        var loss = gpr.TrainingLoss();
        Assert.True(-6 * loss.item<double>() > before + 1, $"log marginal likelihood {before} → {-6 * loss.item<double>()}");
        loss.backward();
        var gradient = gpr.parameters().Max(p => p.grad!.abs().max().item<double>());
        Assert.True(gradient < 1e-4, $"largest gradient entry {gradient}");
        Assert.True(curve.Steps.Zip(curve.Steps.Skip(1)).All(pair => pair.Second.Value <= pair.First.Value + 1e-12), "the loss at the start of each step never rises");
        Assert.True(((Lbfgs)trainer.Optimizer).Converged && curve.Steps.Count < 10, $"the run ends when L-BFGS converges, after {curve.Steps.Count} of 10 steps");
    }

    [Fact]
    public void SvgpWithAGaussianLikelihoodAtItsOptimalQEqualsTheSgprBound()
    {
        using var x = tensor(Enumerable.Range(0, 8).Select(i => -2 + 0.55 * i).ToArray(), [8, 1], dtype: float64);
        using var y = x.mul(2).sin();
        using var z = x.index_select(0, tensor(new long[] { 0, 3, 5, 7 }));
        const double noise = 0.1;
        using var sgpr = new Sgpr(new SquaredExponential(1.3, [0.8]), x, y, z, noiseVariance: noise);
        using var svgp = new Svgp(new SquaredExponential(1.3, [0.8]), new Latent.Gp.Likelihoods.Gaussian(noise), z, 1, 8, new SvgpOptions { Whiten = true });
        // Whitened v = L⁻¹u with prior N(0, I) and f = Aᵀv, A = L⁻¹Kuf: the optimal q(v) has covariance S = (I + AAᵀ/σ²)⁻¹ and mean S A y / σ².
        using var kernel = new SquaredExponential(1.3, [0.8]);
        var cholesky = linalg.cholesky(kernel.K(z) + 1e-6 * eye(4, dtype: float64));
        var a = linalg.solve_triangular(cholesky, kernel.K(z, x), upper: false);
        var covariance = linalg.inv(eye(4, dtype: float64) + a.matmul(a.T) / noise);
        var mean = covariance.matmul(a).matmul(y) / noise;
        svgp.AssignVariational(mean, linalg.cholesky(covariance).unsqueeze(0));
        Assert.Equal(sgpr.Elbo().item<double>(), svgp.Elbo(x, y).item<double>(), 9);
    }

    [Fact]
    public void SgprGradientsMatchFiniteDifferencesForEveryParameter()
    {
        using var x = X();
        using var y = Y();
        using var z = x.index_select(0, tensor(new long[] { 0, 2, 4 }));
        using var sgpr = new Sgpr(KernelSpec.Parse("rq+periodic", 2, ard: true, lengthscale: 0.9), x, y, z, noiseVariance: 0.2);
        AssertGradientsMatchFiniteDifferences(sgpr, sgpr.Elbo);
    }

    [Theory]
    [InlineData("matern52+white")]
    [InlineData("matern32+white")]
    [InlineData("matern12+white")]
    [InlineData("rbf+white")]
    public void GprGradientsMatchFiniteDifferencesForEveryParameter(string spec)
    {
        using var x = X();
        using var y = Y();
        using var gpr = new Gpr(KernelSpec.Parse(spec, 2, ard: true, lengthscale: 0.8), x, y, noiseVariance: 0.15, new ConstantMean(0.2, -0.1));
        var checkedEntries = AssertGradientsMatchFiniteDifferences(gpr, gpr.LogMarginalLikelihood);
        // kernel variance, two lengthscales, white variance, the noise variance and the two outputs' constant means
        Assert.Equal(7, checkedEntries);
    }

    /// <summary>
    /// Back-propagates <paramref name="objective"/> once and checks every entry of every parameter of <paramref name="model"/> against a
    /// central finite difference (step 1e-6, relative tolerance 1e-5); returns the number of entries checked.
    /// </summary>
    private static int AssertGradientsMatchFiniteDifferences(TorchSharp.torch.nn.Module model, Func<Tensor> objective)
    {
        objective().backward();
        using var noGrad = no_grad();
        var checkedEntries = 0;
        foreach (var (name, parameter) in model.named_parameters())
        {
            var analytic = parameter.grad!.reshape(-1).data<double>().ToArray();
            var flat = parameter.view(-1);
            for (var i = 0; i < flat.shape[0]; i++)
            {
                const double h = 1e-6;
                var original = flat[i].item<double>();
                flat[i] = original + h;
                var up = objective().item<double>();
                flat[i] = original - h;
                var down = objective().item<double>();
                flat[i] = original;
                Assert.True(Math.Abs((up - down) / (2 * h) - analytic[i]) < 1e-5 * Math.Max(1, Math.Abs(analytic[i])), $"{name}[{i}]: finite difference {(up - down) / (2 * h)}, autograd {analytic[i]}");
                checkedEntries++;
            }
        }
        return checkedEntries;
    }
}
