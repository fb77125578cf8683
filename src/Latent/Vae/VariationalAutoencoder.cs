using Latent.Distributions;

namespace Latent.Vae;

/// <summary>
/// A variational autoencoder: an encoder q(z|x) and a decoder p(x|z) of any architecture (<see cref="IEncoder"/>, <see cref="IDecoder"/>) on
/// examples of any shape [B, …event], a standard-normal prior p(z), and for a conditional VAE (Sohn et al. 2015) a one-hot class that both
/// networks read (labels [B] are passed beside x and z). Provides the ELBO, the importance-weighted bound, prior samples, reconstructions and
/// latent means. <see cref="VaeModel"/> wraps it for data sets.
/// </summary>
public sealed class VariationalAutoencoder : nn.Module<Tensor, Tensor>
{
    private readonly nn.Module<Tensor, Tensor?, DiagonalGaussian> encoder;
    private readonly nn.Module<Tensor, IDistribution> decoder;

    /// <summary>Composes an encoder and a decoder that agree on the latent size, the example shape and the number of classes they read.</summary>
    public VariationalAutoencoder(IEncoder encoder, IDecoder decoder) : base(nameof(VariationalAutoencoder))
    {
        if (encoder.LatentSize + encoder.ConditionSize != decoder.LatentSize)
            throw new LatentException($"encoder latent size {encoder.LatentSize}{(encoder.ConditionSize > 0 ? $" plus {encoder.ConditionSize} classes" : "")} differs from decoder latent size {decoder.LatentSize}");
        if (!encoder.EventShape.SequenceEqual(decoder.EventShape))
            throw new LatentException($"encoder input shape [{string.Join(", ", encoder.EventShape)}] differs from decoder output shape [{string.Join(", ", decoder.EventShape)}]");
        this.encoder = encoder as nn.Module<Tensor, Tensor?, DiagonalGaussian>
            ?? throw new LatentException($"encoder {encoder.GetType().Name} is not a TorchSharp module");
        this.decoder = decoder as nn.Module<Tensor, IDistribution>
            ?? throw new LatentException($"decoder {decoder.GetType().Name} is not a TorchSharp module");
        EventShape = encoder.EventShape.ToArray();
        RegisterComponents();
    }

    /// <summary>
    /// Builds a freshly initialized VAE for examples of <paramref name="eventShape"/> from <paramref name="options"/>: the encoder and decoder network
    /// of <see cref="VaeOptions.Architecture"/>, the chosen decoder distribution, and for a conditional VAE <paramref name="classes"/> one-hot inputs.
    /// </summary>
    public static VariationalAutoencoder Create(VaeOptions options, IReadOnlyList<long> eventShape, int classes = 0, Device? device = null, ScalarType dtype = ScalarType.Float32)
    {
        var architecture = VaeOptions.Architectures[options.Architecture];
        architecture.Check(eventShape);
        if (options.Conditional && classes < 2) throw new LatentException($"a conditional VAE needs at least 2 classes, got {classes}");
        int condition = options.Conditional ? classes : 0;
        var encoder = architecture.CreateEncoder(eventShape, condition, options, device, dtype);
        DecoderNetwork Network(int outputsPerFeature) => architecture.CreateDecoderNetwork(options.Latent + condition, eventShape, outputsPerFeature, options, device, dtype);
        IDecoder decoder = options.Decoder switch
        {
            DecoderKind.Bernoulli => new BernoulliDecoder(Network(1)),
            DecoderKind.GaussianFixed => new FixedGaussianDecoder(Network(1), options.Sigma),
            DecoderKind.GaussianLearned => new LearnedGaussianDecoder(Network(2), options.VarianceFloor),
            _ => throw new LatentException("the VAE's decoder is not chosen: set VaeOptions.Decoder"),
        };
        return new VariationalAutoencoder(encoder, decoder);
    }

    /// <summary>Builds a freshly initialized VAE for <paramref name="inputSize"/>-dimensional vectors (see the overload).</summary>
    public static VariationalAutoencoder Create(VaeOptions options, int inputSize, Device? device = null, ScalarType dtype = ScalarType.Float32) =>
        Create(options, [inputSize], 0, device, dtype);

    /// <summary>The inference network q(z|x).</summary>
    public IEncoder Encoder => (IEncoder)encoder;

    /// <summary>The encoder's weights (the parameters the encoder gradient is taken for).</summary>
    public IEnumerable<TorchSharp.Modules.Parameter> EncoderParameters() => encoder.parameters();

    /// <summary>The generative network p(x|z).</summary>
    public IDecoder Decoder => (IDecoder)decoder;

    /// <summary>Dimension of z.</summary>
    public int LatentSize => Encoder.LatentSize;

    /// <summary>The shape of one example ([D] or [C, H, W]).</summary>
    public long[] EventShape { get; }

    /// <summary>Features per example (the product of <see cref="EventShape"/>).</summary>
    public int InputSize => checked((int)EventShape.Aggregate(1L, (a, b) => a * b));

    /// <summary>The number of classes a conditional VAE reads (0: unconditional).</summary>
    public int Classes => Encoder.ConditionSize;

    /// <summary>The device the weights live on (that of the encoder's first weight).</summary>
    public Device Device => encoder.parameters().First().device;

    /// <summary>The deterministic reconstruction: the decoder mean at the encoder mean.</summary>
    public override Tensor forward(Tensor x) => Reconstruct(x);

    /// <summary>q(z|x) for a batch x [B, …EventShape] with, for a conditional VAE, its class labels [B] (int64).</summary>
    public DiagonalGaussian Encode(Tensor x, Tensor? labels = null)
    {
        CheckBatch(x);
        return encoder.forward(x, Condition(labels, x.shape[0]));
    }

    /// <summary>p(x|z) for latent codes z [.., LatentSize] with, for a conditional VAE, class labels [B] (int64) for codes [.., B, LatentSize].</summary>
    public IDistribution Decode(Tensor z, Tensor? labels = null)
    {
        var condition = Condition(labels, z.dim() >= 2 ? z.shape[^2] : 1);
        return decoder.forward(condition is null ? z : cat([z, condition.to(z.dtype).expand([.. z.shape[..^1], Classes])], -1));
    }

    /// <summary>The posterior means E_q[z|x], shape [B, LatentSize].</summary>
    public Tensor EncodeMeans(Tensor x, Tensor? labels = null) => Encode(x, labels).Mean;

    /// <summary>The decoder mean at the encoder mean, shape [B, …EventShape].</summary>
    public Tensor Reconstruct(Tensor x, Tensor? labels = null) => Decode(EncodeMeans(x, labels), labels).Mean;

    /// <summary>Decoder means for <paramref name="count"/> codes drawn from the prior N(0, I), of the classes <paramref name="labels"/> [count] for a conditional VAE.</summary>
    public Tensor SamplePrior(long count, Generator? generator = null, Tensor? labels = null)
    {
        var reference = encoder.parameters().First();
        var z = randn(new[] { count, (long)LatentSize }, reference.dtype, Device, generator: generator);
        return Decode(z, labels).Mean;
    }

    /// <summary>
    /// ELBO terms with reparameterized samples z = mu + sigma * eps and the analytic KL (Kingma and Welling 2014, eq. 10):
    /// the reconstruction term averages <paramref name="samples"/> draws per example (their L; one encoder pass serves all).
    /// </summary>
    public ElboTerms Elbo(Tensor x, Generator? generator = null, long samples = 1, Tensor? labels = null)
    {
        if (samples < 1) throw new LatentException($"ELBO samples must be at least 1, got {samples}");
        var posterior = Encode(x, labels);
        var reconstruction = samples == 1
            ? Decode(posterior.RSample(generator), labels).LogProb(x)
            : Decode(posterior.RSample(samples, generator), labels).LogProb(x).mean([0L]);
        return new ElboTerms(reconstruction, Kl.FromStandardNormal(posterior));
    }

    /// <summary>Starts the decoder at the per-feature statistics of the training data [N, …EventShape] (see <see cref="IDecoder.InitializeOutputBias"/>).</summary>
    public void InitializeOutputBias(Tensor data) => Decoder.InitializeOutputBias(data);

    /// <summary>
    /// Log importance weights log w_i = log p(x|z_i) + log p(z_i) - log q(z_i|x) for <paramref name="samples"/>
    /// reparameterized draws z_i ~ q(z|x); shape [samples, B].
    /// </summary>
    public Tensor LogImportanceWeights(Tensor x, long samples, Generator? generator = null, Tensor? labels = null) =>
        LogImportanceWeights(Encode(x, labels), x, samples, generator, labels);

    /// <summary>
    /// The importance-weighted bound L_k = E[log (1/k) sum_i w_i] (Burda et al. 2016, eq. 8), one estimate per example
    /// computed as logsumexp(log w) - log k; differentiable, so it serves as a training objective. Shape [B].
    /// </summary>
    public Tensor ImportanceWeightedBound(Tensor x, long samples, Generator? generator = null, Tensor? labels = null)
    {
        if (samples < 1) throw new LatentException($"importance samples must be at least 1, got {samples}");
        return LogImportanceWeights(x, samples, generator, labels).logsumexp(0) - Math.Log(samples);
    }

    /// <summary>
    /// Estimates log p(x) per example by the importance-weighted bound with <paramref name="samples"/> draws
    /// (k = 5000 in Burda et al. 2016), without gradients; shape [B]. See the overload for how the draws are processed and
    /// <paramref name="stop"/> checked.
    /// </summary>
    public Tensor EstimateLogLikelihood(Tensor x, long samples, Generator? generator = null, long maxRowsPerChunk = 32768, CancellationToken stop = default, Tensor? labels = null)
    {
        var (all, first) = EstimateLogLikelihood(x, samples, samples, generator, maxRowsPerChunk, stop, labels);
        first.Dispose();
        return all;
    }

    /// <summary>
    /// Estimates log p(x) per example with <paramref name="samples"/> importance draws and, from the first <paramref name="firstSamples"/>
    /// of the same draws, a cheaper estimate that shows how far the figure still moves with k. The draws are processed in chunks of at
    /// most about <paramref name="maxRowsPerChunk"/> decoder rows (chunk samples × batch), and only a running logsumexp per example is kept,
    /// so memory does not grow with k. Both results have shape [B]. <paramref name="stop"/> is checked before each chunk
    /// (<see cref="Training.PhaseInterruptedException"/>), so a long estimate stops within one chunk's time.
    /// </summary>
    public (Tensor AllSamples, Tensor FirstSamples) EstimateLogLikelihood(Tensor x, long samples, long firstSamples, Generator? generator = null, long maxRowsPerChunk = 32768, CancellationToken stop = default, Tensor? labels = null) =>
        ImportanceWeightedLikelihood.PerExample(this, x, samples, firstSamples, generator, maxRowsPerChunk, stop, labels);

    private Tensor LogImportanceWeights(DiagonalGaussian posterior, Tensor x, long samples, Generator? generator, Tensor? labels)
    {
        var z = posterior.RSample(samples, generator);
        var logLikelihood = Decode(z, labels).LogProb(x);
        var logPrior = DiagonalGaussian.StandardNormal(z.shape, z.dtype, z.device).LogProb(z);
        var logPosterior = posterior.LogProb(z);
        return logLikelihood + logPrior - logPosterior;
    }

    private void CheckBatch(Tensor x)
    {
        if (x.dim() != EventShape.Length + 1 || !x.shape.Skip(1).SequenceEqual(EventShape))
            throw new LatentException($"VAE input must have shape [batch, {string.Join(", ", EventShape)}], got [{string.Join(", ", x.shape)}]");
    }

    /// <summary>The one-hot classes [count, Classes] of <paramref name="labels"/> for a conditional VAE (null for an unconditional one); a missing, misshapen or out-of-range label is a one-line error.</summary>
    private Tensor? Condition(Tensor? labels, long count)
    {
        if (Classes == 0)
            return labels is null ? null : throw new LatentException("this VAE is not conditional: it takes no class labels");
        if (labels is null) throw new LatentException($"this conditional VAE needs the class (0 to {Classes - 1}) of every example");
        if (labels.dim() != 1 || labels.shape[0] != count) throw new LatentException($"class labels must have shape [{count}], got [{string.Join(", ", labels.shape)}]");
        if (labels.numel() > 0 && (labels.min().item<long>() < 0 || labels.max().item<long>() >= Classes))
            throw new LatentException($"class labels must lie in 0..{Classes - 1}, got {labels.min().item<long>()}..{labels.max().item<long>()}");
        return nn.functional.one_hot(labels.to(int64, Device), Classes);
    }
}
