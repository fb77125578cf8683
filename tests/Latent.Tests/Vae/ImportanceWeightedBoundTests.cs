using Latent.Vae;
using TorchSharp;
using static TorchSharp.torch;

namespace Latent.Tests.Vae;

public sealed class ImportanceWeightedBoundTests : TorchTest
{
    [Fact]
    public void BoundIsAboveTheElboOnAverageAndGrowsWithK()
    {
        var model = TinyModels.Bernoulli(inputSize: 20, hidden: 16, latent: 4, seed: 21);
        var x = TinyModels.Intensities(64, 20, seed: 22);
        using var generator = new Generator(23);
        using var noGrad = no_grad();
        double Average(Func<Tensor> estimate, int repeats) =>
            Enumerable.Range(0, repeats).Average(_ => estimate().mean().item<float>());

        double elbo = Average(() => model.Elbo(x, generator).Elbo, 200);
        double k1 = Average(() => model.ImportanceWeightedBound(x, 1, generator), 200);
        double k5 = Average(() => model.ImportanceWeightedBound(x, 5, generator), 100);
        double k50 = Average(() => model.ImportanceWeightedBound(x, 50, generator), 40);
        double k500 = Average(() => model.ImportanceWeightedBound(x, 500, generator), 10);

        Assert.InRange(k1 - elbo, -0.05, 0.05);
        Assert.True(k5 > k1 + 0.01, $"L5 {k5} should exceed L1 {k1}");
        Assert.True(k50 > k5 + 0.01, $"L50 {k50} should exceed L5 {k5}");
        Assert.True(k500 > k50, $"L500 {k500} should exceed L50 {k50}");
    }

    [Fact]
    public void ChunkedEstimatorConvergesToTheLikelihoodComputedByQuadrature()
    {
        // One latent dimension: log p(x) = log integral p(x|z) N(z; 0, 1) dz, computed here by the trapezoid rule in double.
        var model = TinyModels.Bernoulli(inputSize: 3, hidden: 5, latent: 1, seed: 31, dtype: ScalarType.Float64);
        var x = tensor(new double[,] { { 1, 0, 1 }, { 0, 0, 1 }, { 1, 1, 1 } });
        using var noGrad = no_grad();

        const int points = 4001;
        var grid = linspace(-8, 8, points, dtype: ScalarType.Float64).unsqueeze(1);
        var logits = ((Latent.Distributions.BernoulliLogits)model.Decode(grid)).Logits.data<double>().ToArray();
        var zs = grid.squeeze(1).data<double>().ToArray();
        double step = zs[1] - zs[0];
        var expected = new double[3];
        for (int n = 0; n < 3; n++)
        {
            double integral = 0;
            for (int p = 0; p < points; p++)
            {
                double logDensity = -0.5 * (Math.Log(2 * Math.PI) + zs[p] * zs[p]);
                for (int d = 0; d < 3; d++)
                {
                    double probability = 1 / (1 + Math.Exp(-logits[p * 3 + d]));
                    logDensity += Math.Log(x[n, d].item<double>() == 1 ? probability : 1 - probability);
                }
                integral += (p == 0 || p == points - 1 ? 0.5 : 1.0) * Math.Exp(logDensity) * step;
            }
            expected[n] = Math.Log(integral);
        }

        using var generator = new Generator(32);
        var estimate = model.EstimateLogLikelihood(x, 5000, generator, maxRowsPerChunk: 300).data<double>().ToArray();
        var elbo = model.Elbo(x.repeat(2000, 1), generator).Elbo.view(2000, 3).mean(new long[] { 0 }).data<double>().ToArray();
        for (int n = 0; n < 3; n++)
        {
            Assert.InRange(estimate[n], expected[n] - 0.02, expected[n] + 0.01);
            Assert.True(elbo[n] < expected[n], $"ELBO {elbo[n]} must lie below log p(x) = {expected[n]}");
        }
    }

    [Fact]
    public void TheStreamedEstimateEqualsTheLogMeanExpOfAllWeightsAndItsPrefixUsesTheFirstDraws()
    {
        var model = TinyModels.Bernoulli(inputSize: 6, hidden: 5, latent: 2, seed: 41, dtype: ScalarType.Float64);
        var x = TinyModels.Intensities(4, 6, seed: 42).to(ScalarType.Float64);
        using var noGrad = no_grad();
        using var streamed = new Generator(43);
        // 12 rows per chunk over 4 examples: chunks of 3 draws, cut at the 7th draw — [0,3) [3,6) [6,7) [7,10) … [28,30).
        var (all, first) = model.EstimateLogLikelihood(x, 30, 7, streamed, maxRowsPerChunk: 12);

        using var reference = new Generator(43);
        var weights = cat(new long[] { 3, 3, 1, 3, 3, 3, 3, 3, 3, 3, 2 }.Select(size => model.LogImportanceWeights(x, size, reference)).ToList(), 0);
        var expectedAll = (weights.logsumexp(0) - Math.Log(30)).data<double>().ToArray();
        var expectedFirst = (weights.narrow(0, 0, 7).logsumexp(0) - Math.Log(7)).data<double>().ToArray();
        Assert.Equal(expectedAll, all.data<double>().ToArray(), (a, b) => Math.Abs(a - b) < 1e-12);
        Assert.Equal(expectedFirst, first.data<double>().ToArray(), (a, b) => Math.Abs(a - b) < 1e-12);
        Assert.Throws<LatentException>(() => model.EstimateLogLikelihood(x, 30, 31, streamed));
    }

    [Fact]
    public void TheTestEstimateCarriesItsStandardErrorOverExamplesAndTheEstimateFromATenthOfTheDraws()
    {
        var model = TinyModels.Bernoulli(inputSize: 6, hidden: 5, latent: 2, seed: 44, dtype: ScalarType.Float64);
        var x = TinyModels.Intensities(9, 6, seed: 45).to(ScalarType.Float64);
        using var generator = new Generator(46);
        var estimate = VaeTraining.LogLikelihood(model, x, 40, generator);

        using var reference = new Generator(46);
        var (all, first) = model.EstimateLogLikelihood(x, 40, 4, reference);
        var values = all.data<double>().ToArray();
        double mean = values.Average();
        double standardError = Math.Sqrt(values.Sum(v => (v - mean) * (v - mean)) / (values.Length - 1) / values.Length);
        Assert.Equal(mean, estimate.LogLikelihood, 10);
        Assert.Equal(standardError, estimate.StandardError, 10);
        Assert.Equal(first.data<double>().Average(), estimate.LogLikelihoodWithFewerSamples, 10);
        Assert.Equal((40, 4, 9L), (estimate.Samples, estimate.FewerSamples, estimate.Examples));
        Assert.True(estimate.StandardError > 0);
    }

    [Fact]
    public void ObjectivesParseFromTheirCommandLineNames()
    {
        Assert.IsType<ElboObjective>(IVaeObjective.Parse("elbo"));
        Assert.Equal(4, Assert.IsType<ElboObjective>(IVaeObjective.Parse("elbo:4")).Samples);
        Assert.Equal("elbo:4", IVaeObjective.Parse("elbo:4").Name);
        Assert.Throws<LatentException>(() => IVaeObjective.Parse("elbo:0"));
        Assert.Equal(50, Assert.IsType<IwaeObjective>(IVaeObjective.Parse("iwae:50")).Samples);
        Assert.Throws<LatentException>(() => IVaeObjective.Parse("iwae:0"));
        Assert.Throws<LatentException>(() => IVaeObjective.Parse("iwae:"));
        Assert.Throws<LatentException>(() => IVaeObjective.Parse("elbo2"));
    }

    [Fact]
    public void TrainingOnTheIwaeObjectiveLowersTheLoss()
    {
        var model = TinyModels.Bernoulli(inputSize: 20, hidden: 16, latent: 4, seed: 41);
        using var data = new BinarizedImages(TinyModels.Intensities(128, 20, seed: 42).mul_(0.2).add_(0.4 * TinyModels.Intensities(128, 20, seed: 43).round()), Binarization.Dynamic, seed: 44);
        var objective = new IwaeObjective(5);
        using var optimizer = optim.Adam(model.parameters(), 1e-2);
        using var generator = new Generator(45);
        double Evaluate() { using var noGrad = no_grad(); return objective.Loss(model, data.ForEpoch(0), generator).item<float>(); }
        double before = Evaluate();
        for (int epoch = 0; epoch < 60; epoch++)
        {
            using var scope = NewDisposeScope();
            optimizer.zero_grad();
            objective.Loss(model, data.ForEpoch(epoch), generator).backward();
            optimizer.step();
        }
        Assert.True(Evaluate() < before - 1.0, $"IWAE loss did not fall: {before} -> {Evaluate()}");
    }

    [Fact]
    public void ElboWithLSamplesKeepsItsMeanAndDividesTheReconstructionVarianceByL()
    {
        using var model = TinyModels.Bernoulli(12, 8, 3, seed: 31);
        using var x = TinyModels.Intensities(1, 12, 32).expand(400, 12).contiguous();
        using var generator = new Generator(33);
        using var noGrad = no_grad();
        var one = model.Elbo(x, generator).Reconstruction.to(ScalarType.Float64);
        var four = model.Elbo(x, generator, samples: 4).Reconstruction.to(ScalarType.Float64);
        double meanOne = one.mean().item<double>(), meanFour = four.mean().item<double>();
        double varianceOne = one.var().item<double>(), varianceFour = four.var().item<double>();
        double standardError = Math.Sqrt(varianceOne / 400 + varianceFour / 400);
        Assert.InRange(meanFour - meanOne, -4 * standardError, 4 * standardError);
        Assert.InRange(varianceFour / varianceOne, 0.25 * 0.7, 0.25 * 1.4);
        Assert.Throws<LatentException>(() => model.Elbo(x, generator, samples: 0));
    }
}
