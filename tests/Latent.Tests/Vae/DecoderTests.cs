using Latent.Distributions;
using Latent.Vae;
using TorchSharp;
using static TorchSharp.torch;

namespace Latent.Tests.Vae;

public sealed class DecoderTests : TorchTest
{
    public static TheoryData<string> GaussianDecoders => new() { "fixed", "learned" };

    private static IDecoder Gaussian(string kind, int latent, int output) => kind == "fixed"
        ? new FixedGaussianDecoder(latent, new[] { 6 }, output, sigma: 0.3)
        : new LearnedGaussianDecoder(latent, new[] { 6 }, output, varianceFloor: 1e-3);

    [Theory]
    [MemberData(nameof(GaussianDecoders))]
    public void GaussianLogDensityMatchesADoublePrecisionLoop(string kind)
    {
        manual_seed(51);
        var decoder = Gaussian(kind, latent: 3, output: 7);
        var z = randn(4, 3);
        var x = rand(4, 7);
        var observation = (DiagonalGaussian)decoder.call(z);
        var mean = observation.Mean.to(ScalarType.Float64).data<double>().ToArray();
        var logVariance = observation.LogVariance.to(ScalarType.Float64).data<double>().ToArray();
        var pixels = x.to(ScalarType.Float64).data<double>().ToArray();
        var actual = observation.LogProb(x).to(ScalarType.Float64).data<double>().ToArray();
        for (int n = 0; n < 4; n++)
        {
            double expected = 0;
            for (int d = 0; d < 7; d++)
            {
                int i = n * 7 + d;
                double variance = Math.Exp(logVariance[i]);
                expected += Math.Log(Math.Exp(-Math.Pow(pixels[i] - mean[i], 2) / (2 * variance)) / Math.Sqrt(2 * Math.PI * variance));
            }
            Assert.Equal(expected, actual[n], 4);
        }
    }

    [Fact]
    public void FixedGaussianDecoderUsesItsSigma()
    {
        var decoder = new FixedGaussianDecoder(2, new[] { 4 }, 5, sigma: 0.25);
        var observation = (DiagonalGaussian)decoder.call(zeros(3, 2));
        var variance = observation.LogVariance.exp();
        Assert.True(variance.allclose(full_like(variance, 0.0625), rtol: 1e-6, atol: 0));
    }

    [Fact]
    public void LearnedVarianceNeverFallsBelowTheFloor()
    {
        manual_seed(52);
        var decoder = new LearnedGaussianDecoder(2, new[] { 4 }, 5, varianceFloor: 0.01);
        using (no_grad())
            foreach (var parameter in decoder.parameters()) parameter.mul_(50);
        var observation = (DiagonalGaussian)decoder.call(randn(100, 2) * 10);
        var variance = observation.LogVariance.exp();
        Assert.True(variance.min().item<float>() >= 0.01f * (1 - 1e-5f), $"variance {variance.min().item<float>()} fell below the floor");
        Assert.True(observation.LogProb(rand(100, 5)).isfinite().all().item<bool>());
    }

    [Fact]
    public void BernoulliLogDensityMatchesADoublePrecisionLoopAndStaysFiniteForExtremeLogits()
    {
        manual_seed(53);
        var decoder = new BernoulliDecoder(2, new[] { 4 }, 6);
        var z = randn(3, 2);
        var x = rand(3, 6);
        var observation = (BernoulliLogits)decoder.call(z);
        var logits = observation.Logits.to(ScalarType.Float64).data<double>().ToArray();
        var pixels = x.to(ScalarType.Float64).data<double>().ToArray();
        var actual = observation.LogProb(x).to(ScalarType.Float64).data<double>().ToArray();
        for (int n = 0; n < 3; n++)
        {
            double expected = 0;
            for (int d = 0; d < 6; d++)
            {
                int i = n * 6 + d;
                double p = 1 / (1 + Math.Exp(-logits[i]));
                expected += pixels[i] * Math.Log(p) + (1 - pixels[i]) * Math.Log(1 - p);
            }
            Assert.Equal(expected, actual[n], 4);
        }

        var extreme = new BernoulliLogits(tensor(new[] { 200f, -200f }));
        var logProb = extreme.LogProbPerDimension(tensor(new[] { 0f, 1f })).data<float>().ToArray();
        Assert.Equal(-200f, logProb[0], 3);
        Assert.Equal(-200f, logProb[1], 3);
    }

    [Fact]
    public void ProductOf784DensitiesUnderflowsInFloat32WhileTheLogDensityIsFiniteAndHasAGradient()
    {
        manual_seed(54);
        var x = rand(1, 784);
        var mean = (x + 0.5f * randn(1, 784)).requires_grad_();
        var observation = new DiagonalGaussian(mean, zeros(1, 784));

        var product = observation.LogProbPerDimension(x).exp().prod(-1);
        Assert.Equal(ScalarType.Float32, product.dtype);
        Assert.Equal(0f, product.item<float>());

        var naiveLoss = (product + 1e-20f).log().sum();
        var naiveGradient = autograd.grad(new[] { naiveLoss }, new[] { mean })[0];
        Assert.Equal(0f, naiveGradient.abs().max().item<float>());

        var logProb = observation.LogProb(x).sum();
        Assert.True(float.IsFinite(logProb.item<float>()));
        double expected = 0;
        var xs = x.data<float>().ToArray();
        var ms = mean.detach().data<float>().ToArray();
        for (int d = 0; d < 784; d++) expected += -0.5 * Math.Log(2 * Math.PI) - 0.5 * Math.Pow(xs[d] - ms[d], 2);
        Assert.Equal(expected, logProb.item<float>(), 1);
        var gradient = autograd.grad(new[] { logProb }, new[] { mean })[0];
        Assert.True(gradient.abs().max().item<float>() > 0.1f);
    }

    [Theory]
    [InlineData(DecoderKind.Bernoulli)]
    [InlineData(DecoderKind.GaussianFixed)]
    [InlineData(DecoderKind.GaussianLearned)]
    public void OutputBiasInitialisationMakesTheDecodedMeanTheDataMeanWhenHiddenUnitsAreSilent(DecoderKind kind)
    {
        using var model = VariationalAutoencoder.Create(new VaeOptions { Hidden = [4], Latent = 2, Decoder = kind, Seed = 41 }, 6);
        var dataMean = kind == DecoderKind.Bernoulli ? new[] { 0.0, 0.0005, 0.1, 0.5, 0.9, 1.0 } : new[] { -250.0, -1.5, 0.0, 0.25, 3.0, 1e4 };
        var spread = new[] { 0.0, 0.0, 0.1, 0.0, 2.0, 30.0 };
        var data = tensor(dataMean.Zip(spread, (m, s) => m - s).Concat(dataMean.Zip(spread, (m, s) => m + s)).ToArray()).reshape(2, 6).to(ScalarType.Float32);
        model.InitializeOutputBias(data);
        using (no_grad())
        {
            foreach (var (name, parameter) in model.named_parameters())
                if (name.StartsWith("decoder", StringComparison.Ordinal) && name.EndsWith("weight", StringComparison.Ordinal)) parameter.zero_();
        }
        var decoded = model.Decode(zeros(1, 2));
        var mean = decoded.Mean.to(ScalarType.Float64).data<double>().ToArray();
        var expected = kind == DecoderKind.Bernoulli ? dataMean.Select(p => Math.Clamp(p, 1e-3, 1 - 1e-3)).ToArray() : dataMean;
        for (int i = 0; i < expected.Length; i++) Assert.Equal(expected[i], mean[i], Math.Abs(expected[i]) * 1e-6 + 1e-5);
        if (kind == DecoderKind.GaussianLearned)
        {
            // The variance starts at the data's (spread squared), never below twice the floor.
            var variance = ((DiagonalGaussian)decoded).LogVariance.exp().to(ScalarType.Float64).data<double>().ToArray();
            for (int i = 0; i < spread.Length; i++) Assert.Equal(Math.Max(spread[i] * spread[i], 2e-3), variance[i], Math.Max(spread[i] * spread[i], 2e-3) * 1e-4);
        }
        Assert.Throws<LatentException>(() => model.InitializeOutputBias(zeros(2, 5)));
    }
}
