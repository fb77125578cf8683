using Latent.Distributions;
using TorchSharp;
using static TorchSharp.torch;

namespace Latent.Tests.Distributions;

public sealed class DistributionContractTests : TorchTest
{
    public static TheoryData<int> EventDimensionCounts => new() { 0, 1, 2 };

    private static IDistribution[] Both(Tensor parameter, int eventDimensions) =>
        [new DiagonalGaussian(parameter, parameter * 0.5, eventDimensions), new BernoulliLogits(parameter, eventDimensions)];

    [Theory]
    [MemberData(nameof(EventDimensionCounts))]
    public void LogProbSumsThePerElementLogDensitiesOverExactlyTheDeclaredEventDimensions(int eventDimensions)
    {
        manual_seed(5);
        var parameter = randn(3, 4, 5, dtype: ScalarType.Float64);
        var x = rand(3, 4, 5, dtype: ScalarType.Float64).round();
        foreach (var distribution in Both(parameter, eventDimensions))
        {
            Assert.Equal(eventDimensions, distribution.EventDimensions);
            var perElement = distribution.LogProbPerDimension(x).data<double>().ToArray();
            var logProb = distribution.LogProb(x);
            Assert.Equal(new long[] { 3, 4, 5 }.Take(3 - eventDimensions), logProb.shape);
            int eventSize = eventDimensions switch { 0 => 1, 1 => 5, _ => 20 };
            var values = logProb.reshape(-1).data<double>().ToArray();
            for (int e = 0; e < values.Length; e++)
                Assert.Equal(perElement.Skip(e * eventSize).Take(eventSize).Sum(), values[e], 10);
        }
        Assert.Throws<LatentException>(() => new DiagonalGaussian(parameter, parameter, 4).LogProb(parameter));
        Assert.Throws<LatentException>(() => new BernoulliLogits(parameter, -1));
    }

    [Fact]
    public void SampleCarriesNoGradientRSampleDoesAndBernoulliHasNoRSample()
    {
        var mean = zeros(6, 3).requires_grad_();
        var gaussian = new DiagonalGaussian(mean, zeros(6, 3));
        using var generator = new Generator(9);
        Assert.True(gaussian.HasRSample);
        Assert.False(gaussian.Sample(generator).requires_grad);
        var draw = gaussian.RSample(generator);
        Assert.True(draw.requires_grad);
        Assert.True(autograd.grad([draw.sum()], [mean])[0].eq(1).all().item<bool>());

        var bernoulli = new BernoulliLogits(zeros(6, 3).requires_grad_());
        Assert.False(bernoulli.HasRSample);
        var sample = bernoulli.Sample(generator);
        Assert.False(sample.requires_grad);
        Assert.True((sample.eq(0) | sample.eq(1)).all().item<bool>());
        Assert.Contains("no reparameterized sample", Assert.Throws<LatentException>(() => bernoulli.RSample(generator)).Message);
        Assert.True(bernoulli.Mean.allclose(full(6, 3, 0.5f)));
    }

    [Fact]
    public void KlAndEntropyFollowTheEventDimensions()
    {
        manual_seed(6);
        var mean = randn(2, 3, 4, dtype: ScalarType.Float64);
        var logVariance = randn(2, 3, 4, dtype: ScalarType.Float64);
        var perVector = Kl.FromStandardNormal(new DiagonalGaussian(mean, logVariance));
        var perMatrix = Kl.FromStandardNormal(new DiagonalGaussian(mean, logVariance, eventDimensions: 2));
        Assert.True(perMatrix.allclose(perVector.sum(-1)));
        var entropy = new DiagonalGaussian(mean, logVariance, eventDimensions: 2).Entropy();
        Assert.True(entropy.allclose(new DiagonalGaussian(mean, logVariance).Entropy().sum(-1)));
        Assert.Equal(new long[] { 2 }, entropy.shape);
    }
}
