using Latent.Distributions;

namespace Latent.Vae;

/// <summary>
/// The importance-weighted log-likelihood estimate log (1/k) Σᵢ p(x|zᵢ) p(zᵢ) / q(zᵢ|x) with zᵢ ~ q(z|x) (Burda et al. 2016, eq. 8),
/// computed for speed: the draws of many examples are decoded together as one batch of rows (so the decoder's matmuls are large), under
/// inference mode, with a fused log-density for the Bernoulli and Gaussian decoders and only a running logsumexp kept per example.
/// </summary>
public static class ImportanceWeightedLikelihood
{
    /// <summary>Decoded features per chunk of draws (1,337 rows of 784 features): large enough for full-speed matmuls, small enough to stay in cache and to notice Ctrl-C within a fraction of a second.</summary>
    public const long ChunkFeatures = 1 << 20;

    /// <summary>Importance draws decoded together per batch of examples (examples per batch = this / k, between 1 and 500).</summary>
    public const long DrawsPerBatch = 65536;

    /// <summary>
    /// The estimate with k = <paramref name="samples"/> over <paramref name="images"/> [N, …], with its standard error over the examples
    /// and the estimate from the first k/10 of the same draws. <paramref name="progress"/> receives the examples done and
    /// <paramref name="stop"/> is checked before each chunk of draws (<see cref="Training.PhaseInterruptedException"/>).
    /// <paramref name="rowsPerChunk"/> overrides the decoder rows per chunk (default <see cref="ChunkFeatures"/> / features per example).
    /// A conditional VAE reads the classes <paramref name="labels"/> [N].
    /// </summary>
    public static IwaeEstimate Estimate(VariationalAutoencoder model, Tensor images, int samples, Generator? generator = null, Action<long>? progress = null,
        CancellationToken stop = default, long? rowsPerChunk = null, Tensor? labels = null)
    {
        if (samples < 1) throw new LatentException($"importance samples must be at least 1, got {samples}");
        long count = images.shape[0];
        if (count < 1) throw new LatentException("the IWAE estimate needs at least one example");
        long perBatch = Math.Clamp(DrawsPerBatch / samples, 1, 500);
        long rows = rowsPerChunk ?? Math.Clamp(ChunkFeatures / Math.Max(1, images.numel() / count), 1, 32768);
        int fewer = Math.Max(1, samples / 10);
        double sum = 0, sumOfSquares = 0, sumWithFewer = 0;
        for (long start = 0; start < count; start += perBatch)
        {
            using var scope = NewDisposeScope();
            var x = images.narrow(0, start, Math.Min(perBatch, count - start));
            var (all, first) = PerExample(model, x, samples, fewer, generator, rows, stop, labels?.narrow(0, start, x.shape[0]));
            var values = all.to(ScalarType.Float64);
            sum += values.sum().item<double>();
            sumOfSquares += values.square().sum().item<double>();
            sumWithFewer += first.to(ScalarType.Float64).sum().item<double>();
            progress?.Invoke(start + x.shape[0]);
        }
        double mean = sum / count;
        double variance = count > 1 ? Math.Max(0, (sumOfSquares - count * mean * mean) / (count - 1)) : 0;
        return new IwaeEstimate(mean, Math.Sqrt(variance / count), sumWithFewer / count, samples, fewer, count);
    }

    /// <summary>
    /// log p(x) per example of <paramref name="x"/> [B, …] estimated with <paramref name="samples"/> importance draws, and from the first
    /// <paramref name="firstSamples"/> of the same draws; both of shape [B]. The draws come in chunks of at most about
    /// <paramref name="maxRowsPerChunk"/> decoder rows (chunk draws × B, a chunk ending where the first draws end), each chunk's noise
    /// one standard-normal tensor [draws, B, latent] from <paramref name="generator"/>; <paramref name="stop"/> is checked before each chunk.
    /// A conditional VAE reads the classes <paramref name="labels"/> [B].
    /// </summary>
    public static (Tensor AllSamples, Tensor FirstSamples) PerExample(VariationalAutoencoder model, Tensor x, long samples, long firstSamples, Generator? generator = null,
        long maxRowsPerChunk = 32768, CancellationToken stop = default, Tensor? labels = null)
    {
        if (samples < 1) throw new LatentException($"importance samples must be at least 1, got {samples}");
        if (firstSamples < 1 || firstSamples > samples) throw new LatentException($"the first importance samples must lie in [1, {samples}], got {firstSamples}");
        Tensor all, first;
        using (var inference = inference_mode())
        using (var outer = NewDisposeScope())
        {
            var posterior = model.Encode(x, labels);
            long examples = x.shape[0], latent = posterior.Mean.shape[^1];
            var mean = posterior.Mean.unsqueeze(1);
            var deviation = posterior.StandardDeviation.unsqueeze(1);
            // log p(z) − log q(z|x) for z = μ + σ ε: the 2π terms cancel, leaving ½ Σ ε² − ½ Σ z² + ½ Σ log σ².
            var halfLogVariance = posterior.LogVariance.sum(-1, keepdim: true).mul_(0.5);
            long chunk = Math.Max(1, maxRowsPerChunk / Math.Max(1, examples));
            Tensor? running = null, prefix = null;
            for (long start = 0; start < samples;)
            {
                Training.PhaseInterruptedException.ThrowIf(stop, "the IWAE log-likelihood estimate");
                long end = Math.Min(start + chunk, start < firstSamples ? firstSamples : samples), draws = end - start;
                using (var scope = NewDisposeScope())
                {
                    var noise = randn([draws, examples, latent], posterior.Mean.dtype, posterior.Mean.device, generator: generator).transpose(0, 1);
                    var z = noise.mul(deviation).add_(mean).reshape(examples * draws, latent);
                    var logWeights = DecoderLogDensity(model.Decode(z, labels?.repeat_interleave(draws)), x, examples, draws)
                        .add_(noise.square().sum(-1)
                            .sub_(z.square().sum(-1).view(examples, draws))
                            .mul_(0.5)
                            .add_(halfLogVariance));
                    var chunkSum = logWeights.logsumexp(1);
                    running = (running is null ? chunkSum : logaddexp(running, chunkSum)).MoveToOuterDisposeScope();
                }
                if (end == firstSamples) prefix = running - Math.Log(firstSamples);
                start = end;
            }
            all = (running! - Math.Log(samples)).MoveToOuterDisposeScope();
            first = prefix!.MoveToOuterDisposeScope();
        }
        // Plain tensors for the caller (inference tensors refuse later in-place updates).
        using (all) using (first) return (all.clone(), first.clone());
    }

    /// <summary>
    /// log p(x|z) for decoded rows ordered example by example ([B · draws] rows, a row's event spanning all its other dimensions), shape
    /// [B, draws]. Bernoulli: Σ x·ℓ − softplus(ℓ), the x·ℓ term one matrix-vector product per example (no sigmoid, no log, one pass over
    /// the logits); diagonal Gaussian: −½ Σ (log 2π + log σ² + (x − μ)² / σ²) in place; any other distribution through its own log-density.
    /// </summary>
    private static Tensor DecoderLogDensity(IDistribution decoded, Tensor x, long examples, long draws)
    {
        var target = x.reshape(examples, 1, -1);
        switch (decoded)
        {
            case BernoulliLogits bernoulli when bernoulli.Logits.dim() == bernoulli.EventDimensions + 1:
            {
                var logits = bernoulli.Logits.reshape(examples, draws, -1);
                return logits.bmm(target.to(logits.dtype).transpose(1, 2)).squeeze(2).sub_(nn.functional.softplus(logits).sum(-1));
            }
            case DiagonalGaussian gaussian when gaussian.Mean.dim() == gaussian.EventDimensions + 1:
            {
                var mu = gaussian.Mean.reshape(examples, draws, -1);
                var logVariance = gaussian.LogVariance.reshape(examples, draws, -1);
                var terms = mu.sub(target).pow_(2).mul_(logVariance.neg().exp_()).add_(logVariance);
                return terms.sum(-1).add_(mu.shape[2] * Math.Log(2 * Math.PI)).mul_(-0.5);
            }
            default:
                return decoded.LogProb(x.unsqueeze(1).expand([examples, draws, .. x.shape[1..]]).reshape([examples * draws, .. x.shape[1..]])).view(examples, draws);
        }
    }
}
