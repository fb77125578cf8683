using Latent.Distributions;

namespace Latent.Vae;

/// <summary>
/// A variational autoencoder on data vectors: a Gaussian encoder q(z|x), a standard-normal prior p(z) and any decoder
/// p(x|z) handed in (Bernoulli, fixed- or learned-variance Gaussian). Provides the ELBO, the importance-weighted bound,
/// prior samples, reconstructions and latent means. <see cref="VaeModel"/> wraps it for data sets of any shape.
/// </summary>
public sealed class VariationalAutoencoder : nn.Module<Tensor, Tensor>
{
    private readonly GaussianEncoder encoder;
    private readonly nn.Module<Tensor, IDistribution> decoder;

    /// <summary>Composes an encoder and a decoder that agree on the latent and data sizes.</summary>
    public VariationalAutoencoder(GaussianEncoder encoder, IDecoder decoder) : base(nameof(VariationalAutoencoder))
    {
        if (encoder.LatentSize != decoder.LatentSize)
            throw new LatentException($"encoder latent size {encoder.LatentSize} differs from decoder latent size {decoder.LatentSize}");
        if (encoder.InputSize != decoder.OutputSize)
            throw new LatentException($"encoder input size {encoder.InputSize} differs from decoder output size {decoder.OutputSize}");
        this.encoder = encoder;
        this.decoder = decoder as nn.Module<Tensor, IDistribution>
            ?? throw new LatentException($"decoder {decoder.GetType().Name} is not a TorchSharp module");
        RegisterComponents();
    }

    /// <summary>
    /// Builds a freshly initialized VAE for <paramref name="inputSize"/>-dimensional data from <paramref name="options"/>: an encoder
    /// through <see cref="VaeOptions.Hidden"/>, a decoder through the same widths reversed, and the chosen decoder distribution.
    /// </summary>
    public static VariationalAutoencoder Create(VaeOptions options, int inputSize, Device? device = null, ScalarType dtype = ScalarType.Float32)
    {
        var encoder = new GaussianEncoder(inputSize, options.Hidden, options.Latent, device, dtype);
        var reversed = options.Hidden.Reverse().ToArray();
        IDecoder decoder = options.Decoder switch
        {
            DecoderKind.Bernoulli => new BernoulliDecoder(options.Latent, reversed, inputSize, device, dtype),
            DecoderKind.GaussianFixed => new FixedGaussianDecoder(options.Latent, reversed, inputSize, options.Sigma, device, dtype),
            DecoderKind.GaussianLearned => new LearnedGaussianDecoder(options.Latent, reversed, inputSize, options.VarianceFloor, device, dtype),
            _ => throw new LatentException("the VAE's decoder is not chosen: set VaeOptions.Decoder"),
        };
        return new VariationalAutoencoder(encoder, decoder);
    }

    /// <summary>The inference network q(z|x).</summary>
    public GaussianEncoder Encoder => encoder;

    /// <summary>The generative network p(x|z).</summary>
    public IDecoder Decoder => (IDecoder)decoder;

    /// <summary>Dimension of z.</summary>
    public int LatentSize => encoder.LatentSize;

    /// <summary>Dimension of a data vector.</summary>
    public int InputSize => encoder.InputSize;

    /// <summary>The device the weights live on (that of the encoder's first weight).</summary>
    public Device Device => encoder.parameters().First().device;

    /// <summary>The deterministic reconstruction: the decoder mean at the encoder mean.</summary>
    public override Tensor forward(Tensor x) => Reconstruct(x);

    /// <summary>q(z|x) for a batch x [B, InputSize].</summary>
    public DiagonalGaussian Encode(Tensor x)
    {
        CheckBatch(x);
        return encoder.forward(x);
    }

    /// <summary>p(x|z) for latent codes z [.., LatentSize].</summary>
    public IDistribution Decode(Tensor z) => decoder.forward(z);

    /// <summary>The posterior means E_q[z|x], shape [B, LatentSize].</summary>
    public Tensor EncodeMeans(Tensor x) => Encode(x).Mean;

    /// <summary>The decoder mean at the encoder mean, shape [B, InputSize].</summary>
    public Tensor Reconstruct(Tensor x) => Decode(EncodeMeans(x)).Mean;

    /// <summary>Decoder means for <paramref name="count"/> codes drawn from the prior N(0, I).</summary>
    public Tensor SamplePrior(long count, Generator? generator = null)
    {
        var reference = encoder.parameters().First();
        var z = randn(new[] { count, (long)LatentSize }, reference.dtype, Device, generator: generator);
        return Decode(z).Mean;
    }

    /// <summary>
    /// ELBO terms with reparameterized samples z = mu + sigma * eps and the analytic KL (Kingma and Welling 2014, eq. 10):
    /// the reconstruction term averages <paramref name="samples"/> draws per example (their L; one encoder pass serves all).
    /// </summary>
    public ElboTerms Elbo(Tensor x, Generator? generator = null, long samples = 1)
    {
        if (samples < 1) throw new LatentException($"ELBO samples must be at least 1, got {samples}");
        var posterior = Encode(x);
        var reconstruction = samples == 1
            ? Decode(posterior.RSample(generator)).LogProb(x)
            : Decode(posterior.RSample(samples, generator)).LogProb(x).mean([0L]);
        return new ElboTerms(reconstruction, Kl.FromStandardNormal(posterior));
    }

    /// <summary>Starts the decoder at the per-feature statistics of the training data [N, InputSize] (see <see cref="IDecoder.InitializeOutputBias"/>).</summary>
    public void InitializeOutputBias(Tensor data) => Decoder.InitializeOutputBias(data);

    /// <summary>
    /// Log importance weights log w_i = log p(x|z_i) + log p(z_i) - log q(z_i|x) for <paramref name="samples"/>
    /// reparameterized draws z_i ~ q(z|x); shape [samples, B].
    /// </summary>
    public Tensor LogImportanceWeights(Tensor x, long samples, Generator? generator = null) =>
        LogImportanceWeights(Encode(x), x, samples, generator);

    /// <summary>
    /// The importance-weighted bound L_k = E[log (1/k) sum_i w_i] (Burda et al. 2016, eq. 8), one estimate per example
    /// computed as logsumexp(log w) - log k; differentiable, so it serves as a training objective. Shape [B].
    /// </summary>
    public Tensor ImportanceWeightedBound(Tensor x, long samples, Generator? generator = null)
    {
        if (samples < 1) throw new LatentException($"importance samples must be at least 1, got {samples}");
        return LogImportanceWeights(x, samples, generator).logsumexp(0) - Math.Log(samples);
    }

    /// <summary>
    /// Estimates log p(x) per example by the importance-weighted bound with <paramref name="samples"/> draws
    /// (k = 5000 in Burda et al. 2016), without gradients; shape [B]. See the overload for how the draws are processed and
    /// <paramref name="stop"/> checked.
    /// </summary>
    public Tensor EstimateLogLikelihood(Tensor x, long samples, Generator? generator = null, long maxRowsPerChunk = 32768, CancellationToken stop = default)
    {
        var (all, first) = EstimateLogLikelihood(x, samples, samples, generator, maxRowsPerChunk, stop);
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
    public (Tensor AllSamples, Tensor FirstSamples) EstimateLogLikelihood(Tensor x, long samples, long firstSamples, Generator? generator = null, long maxRowsPerChunk = 32768, CancellationToken stop = default) =>
        ImportanceWeightedLikelihood.PerExample(this, x, samples, firstSamples, generator, maxRowsPerChunk, stop);

    private Tensor LogImportanceWeights(DiagonalGaussian posterior, Tensor x, long samples, Generator? generator)
    {
        var z = posterior.RSample(samples, generator);
        var logLikelihood = Decode(z).LogProb(x);
        var logPrior = DiagonalGaussian.StandardNormal(z.shape, z.dtype, z.device).LogProb(z);
        var logPosterior = posterior.LogProb(z);
        return logLikelihood + logPrior - logPosterior;
    }

    private void CheckBatch(Tensor x)
    {
        if (x.dim() != 2 || x.shape[1] != InputSize)
            throw new LatentException($"VAE input must have shape [batch, {InputSize}], got [{string.Join(",", x.shape)}]");
    }
}
