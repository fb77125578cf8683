using Latent.Distributions;
using Latent.Vae;
using TorchSharp;
using static TorchSharp.torch;

namespace Latent.Tests.Vae;

public sealed class ImportanceWeightedLikelihoodTests : TorchTest
{
    [Theory]
    [InlineData(DecoderKind.Bernoulli)]
    [InlineData(DecoderKind.GaussianLearned)]
    [InlineData(DecoderKind.GaussianFixed)]
    public void TheFloat32EstimateMatchesADirectFloat64ComputationFromTheSameDraws(DecoderKind kind)
    {
        const int examples = 5, features = 60, latent = 3, samples = 64;
        manual_seed(51);
        using var model = VariationalAutoencoder.Create(new VaeOptions { Latent = latent, Hidden = [16], Decoder = kind, Sigma = 0.3, VarianceFloor = 1e-3 }, features);
        var x = TinyModels.Intensities(examples, features, seed: 52);
        // One chunk of draws: the estimate's noise is one standard-normal tensor [samples, examples, latent] from the generator.
        using var generator = new Generator(53);
        var fast = ImportanceWeightedLikelihood.PerExample(model, x, samples, samples, generator).AllSamples.data<float>().ToArray();

        using var reference = new Generator(53);
        var noise = randn([samples, examples, latent], generator: reference).to(ScalarType.Float64);
        model.to(ScalarType.Float64);
        using var noGrad = no_grad();
        var x64 = x.to(ScalarType.Float64);
        var posterior = model.Encode(x64);
        var z = posterior.Mean + (0.5 * posterior.LogVariance).exp() * noise;
        var logPrior = (-0.5 * (Math.Log(2 * Math.PI) + z.square())).sum(-1);
        var logPosterior = (-0.5 * (Math.Log(2 * Math.PI) + posterior.LogVariance + noise.square())).sum(-1);
        var logWeights = model.Decode(z).LogProb(x64) + logPrior - logPosterior;
        var expected = (logWeights.logsumexp(0) - Math.Log(samples)).data<double>().ToArray();

        for (int n = 0; n < examples; n++)
            Assert.True(Math.Abs(fast[n] - expected[n]) < 2e-3, $"{kind}: example {n}: float32 estimate {fast[n]} vs float64 {expected[n]}");
    }

    [Fact]
    public void AConditionalConvolutionalVaeIsScoredWithEachExamplesOwnClassAgreeingWithADirectComputationFromTheSameDraws()
    {
        const int examples = 4, latent = 2, samples = 24;
        manual_seed(81);
        using var model = VariationalAutoencoder.Create(new VaeOptions { Architecture = "conv", Channels = [4, 8], Hidden = [16], Latent = latent, Decoder = DecoderKind.Bernoulli, Conditional = true }, [1, 8, 8], classes: 3);
        var x = TinyModels.Intensities(examples, 64, seed: 82).reshape(examples, 1, 8, 8);
        var labels = tensor(new long[] { 2, 0, 1, 2 });
        using var generator = new Generator(83);
        // Two chunks of draws (rows per chunk 48 = 12 draws × 4 examples), so each chunk's codes must meet their own examples' classes.
        var fast = ImportanceWeightedLikelihood.PerExample(model, x, samples, samples, generator, maxRowsPerChunk: 48, labels: labels).AllSamples.data<float>().ToArray();

        using var reference = new Generator(83);
        var noise = cat([randn([12, examples, latent], generator: reference), randn([12, examples, latent], generator: reference)], 0);
        using var noGrad = no_grad();
        var posterior = model.Encode(x, labels);
        var z = posterior.Mean + (0.5 * posterior.LogVariance).exp() * noise;
        var logPrior = (-0.5 * (Math.Log(2 * Math.PI) + z.square())).sum(-1);
        var logPosterior = (-0.5 * (Math.Log(2 * Math.PI) + posterior.LogVariance + noise.square())).sum(-1);
        var logWeights = model.Decode(z, labels).LogProb(x) + logPrior - logPosterior;
        var expected = (logWeights.logsumexp(0) - Math.Log(samples)).data<float>().ToArray();

        for (int n = 0; n < examples; n++)
            Assert.True(Math.Abs(fast[n] - expected[n]) < 1e-3, $"example {n}: estimate {fast[n]} vs direct {expected[n]}");
        var wrongClasses = ImportanceWeightedLikelihood.PerExample(model, x, samples, samples, new Generator(83), maxRowsPerChunk: 48, labels: tensor(new long[] { 0, 1, 2, 0 })).AllSamples.data<float>().ToArray();
        Assert.NotEqual(expected, wrongClasses);
    }

    [Fact]
    public void ADecoderWithAnotherDistributionIsScoredThroughItsOwnLogDensityAndAgreesWithTheFusedBernoulliPath()
    {
        var model = TinyModels.Bernoulli(inputSize: 12, hidden: 8, latent: 2, seed: 61, dtype: ScalarType.Float64);
        var opaque = new VariationalAutoencoder(model.Encoder, new OpaqueDecoder(model.Decoder));
        var x = TinyModels.Intensities(7, 12, seed: 62).to(ScalarType.Float64);
        using var first = new Generator(63);
        using var second = new Generator(63);
        var (fused, fusedPrefix) = ImportanceWeightedLikelihood.PerExample(model, x, 30, 5, first, maxRowsPerChunk: 50);
        var (generic, genericPrefix) = ImportanceWeightedLikelihood.PerExample(opaque, x, 30, 5, second, maxRowsPerChunk: 50);
        Assert.Equal(generic.data<double>().ToArray(), fused.data<double>().ToArray(), (a, b) => Math.Abs(a - b) < 1e-9);
        Assert.Equal(genericPrefix.data<double>().ToArray(), fusedPrefix.data<double>().ToArray(), (a, b) => Math.Abs(a - b) < 1e-9);
    }

    [Fact]
    public void TheEstimateOverManyExamplesAgreesWithTheStreamedEstimateOfTheSameDrawsAndReportsItsFewerSamplesFigure()
    {
        var model = TinyModels.Bernoulli(inputSize: 10, hidden: 8, latent: 2, seed: 71, dtype: ScalarType.Float64);
        var x = TinyModels.Intensities(30, 10, seed: 72).to(ScalarType.Float64);
        using var generator = new Generator(73);
        // k = 100: 500 examples per batch, so all 30 in one; 90 rows per chunk: draws [0, 3), [3, 6), [6, 9), [9, 10), [10, 13), … of 30 examples each.
        var estimate = ImportanceWeightedLikelihood.Estimate(model, x, 100, generator, rowsPerChunk: 90);

        using var reference = new Generator(73);
        var (all, prefix) = model.EstimateLogLikelihood(x, 100, 10, reference, maxRowsPerChunk: 90);
        Assert.Equal(all.mean().item<double>(), estimate.LogLikelihood, 10);
        Assert.Equal(prefix.mean().item<double>(), estimate.LogLikelihoodWithFewerSamples, 10);
        Assert.Equal((100, 10, 30L), (estimate.Samples, estimate.FewerSamples, estimate.Examples));
        Assert.Throws<LatentException>(() => ImportanceWeightedLikelihood.Estimate(model, x, 0));
    }

    /// <summary>A decoder whose distribution the estimate does not recognise, so it takes the generic log-density path.</summary>
    private sealed class OpaqueDecoder : nn.Module<Tensor, IDistribution>, IDecoder
    {
        private readonly nn.Module<Tensor, IDistribution> inner;

        public OpaqueDecoder(IDecoder inner) : base(nameof(OpaqueDecoder))
        {
            this.inner = (nn.Module<Tensor, IDistribution>)inner;
            LatentSize = inner.LatentSize;
            EventShape = inner.EventShape;
            RegisterComponents();
        }

        public int LatentSize { get; }

        public long[] EventShape { get; }

        public void InitializeOutputBias(Tensor data) => ((IDecoder)inner).InitializeOutputBias(data);

        public override IDistribution forward(Tensor z) => new Opaque(inner.forward(z));

        private sealed class Opaque(IDistribution inner) : IDistribution
        {
            public int EventDimensions => inner.EventDimensions;

            public Tensor Mean => inner.Mean;

            public bool HasRSample => inner.HasRSample;

            public Tensor LogProbPerDimension(Tensor x) => inner.LogProbPerDimension(x);

            public Tensor LogProb(Tensor x) => inner.LogProb(x);

            public Tensor Sample(Generator? generator = null) => inner.Sample(generator);

            public Tensor RSample(Generator? generator = null) => inner.RSample(generator);
        }
    }
}
