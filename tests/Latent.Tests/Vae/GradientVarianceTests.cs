using Latent.Vae;
using TorchSharp;
using static TorchSharp.torch;

namespace Latent.Tests.Vae;

public sealed class GradientVarianceTests : TorchTest
{
    [Fact]
    public void ScoreFunctionEstimatesAreMuchNoisierThanReparameterizedOnes()
    {
        var model = TinyModels.Bernoulli(inputSize: 20, hidden: 16, latent: 4, seed: 81);
        var x = TinyModels.Intensities(32, 20, seed: 82).round();
        using var generator = new Generator(83);
        var reparameterized = GradientVariance.Measure(model, x, GradientEstimator.Reparameterized, 200, generator);
        var score = GradientVariance.Measure(model, x, GradientEstimator.ScoreFunction, 200, generator);

        Assert.True(reparameterized.TotalVariance > 0);
        Assert.True(score.TotalVariance > 10 * reparameterized.TotalVariance,
            $"score-function variance {score.TotalVariance} vs reparameterized {reparameterized.TotalVariance}");
        Assert.All(model.parameters(), p => Assert.Null(p.grad));
    }

    [Fact]
    public void BothEstimatorsAverageToTheSameGradient()
    {
        // Unbiasedness: the two averages agree within the Monte Carlo error implied by their measured variances.
        var model = TinyModels.Bernoulli(inputSize: 6, hidden: 5, latent: 2, seed: 84, dtype: ScalarType.Float64);
        var x = TinyModels.Intensities(256, 6, seed: 85).round().to(ScalarType.Float64);
        using var generator = new Generator(86);
        const int repeats = 500;
        var reparameterized = GradientVariance.Measure(model, x, GradientEstimator.Reparameterized, repeats, generator);
        var score = GradientVariance.Measure(model, x, GradientEstimator.ScoreFunction, repeats, generator);
        double difference = (reparameterized.MeanGradient - score.MeanGradient).norm().item<double>();
        double standardError = Math.Sqrt((reparameterized.TotalVariance + score.TotalVariance) / repeats);
        Assert.True(difference < 3 * standardError, $"estimators disagree by {difference}, standard error {standardError}");
        Assert.True(reparameterized.MeanNorm > 5 * standardError, $"the gradient norm {reparameterized.MeanNorm} must stand well above its noise {standardError} for the comparison to mean anything");
    }
}
