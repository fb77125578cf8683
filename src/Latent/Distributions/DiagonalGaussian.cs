namespace Latent.Distributions;

/// <summary>
/// A Gaussian with diagonal covariance over an event of the last <see cref="EventDimensions"/> tensor dimensions (one by
/// default), parameterized by mean and log-variance as a VAE encoder produces them. Densities are summed in log space.
/// </summary>
public sealed class DiagonalGaussian : IDistribution
{
    private static readonly double LogTwoPi = Math.Log(2 * Math.PI);

    /// <summary>Creates the distribution from a mean and a log-variance of the same shape; an event spans the last <paramref name="eventDimensions"/> dimensions.</summary>
    public DiagonalGaussian(Tensor mean, Tensor logVariance, int eventDimensions = 1)
    {
        if (!mean.shape.SequenceEqual(logVariance.shape))
            throw new LatentException($"diagonal Gaussian: mean shape [{string.Join(",", mean.shape)}] differs from log-variance shape [{string.Join(",", logVariance.shape)}]");
        Mean = mean;
        LogVariance = logVariance;
        EventDimensions = EventSum.Check(eventDimensions);
    }

    /// <summary>A standard normal N(0, I) with the given shape, dtype and device.</summary>
    public static DiagonalGaussian StandardNormal(long[] shape, ScalarType dtype = ScalarType.Float32, Device? device = null) =>
        new(zeros(shape, dtype, device), zeros(shape, dtype, device));

    /// <summary>The mean mu.</summary>
    public Tensor Mean { get; }

    /// <inheritdoc/>
    public int EventDimensions { get; }

    /// <inheritdoc/>
    public bool HasRSample => true;

    /// <summary>The log-variance log sigma^2 (unconstrained, so any real value is a valid variance).</summary>
    public Tensor LogVariance { get; }

    /// <summary>The standard deviation sigma = exp(log sigma^2 / 2).</summary>
    public Tensor StandardDeviation => (0.5 * LogVariance).exp();

    /// <summary>
    /// A reparameterized sample z = mu + sigma * eps with eps ~ N(0, I) (Kingma and Welling 2014, eq. 10):
    /// the randomness is an input, so gradients flow to mu and log sigma^2.
    /// </summary>
    public Tensor RSample(Generator? generator = null)
    {
        var eps = randn(Mean.shape, Mean.dtype, Mean.device, generator: generator);
        return Mean + StandardDeviation * eps;
    }

    /// <summary>Reparameterized samples with a leading sample dimension: shape [samples, ...].</summary>
    public Tensor RSample(long samples, Generator? generator = null)
    {
        var shape = new[] { samples }.Concat(Mean.shape).ToArray();
        var eps = randn(shape, Mean.dtype, Mean.device, generator: generator);
        return Mean.unsqueeze(0) + StandardDeviation.unsqueeze(0) * eps;
    }

    /// <summary>Per-dimension log-density log N(x; mu, sigma^2), without summing.</summary>
    public Tensor LogProbPerDimension(Tensor x) =>
        -0.5 * (LogTwoPi + LogVariance + (x - Mean).square() * (-LogVariance).exp());

    /// <summary>log N(x; mu, diag sigma^2), summed over the event; finite where the plain density underflows.</summary>
    public Tensor LogProb(Tensor x) => EventSum.Over(LogProbPerDimension(x), EventDimensions);

    /// <summary>A draw mu + sigma * eps without gradient.</summary>
    public Tensor Sample(Generator? generator = null)
    {
        using var noGrad = no_grad();
        return RSample(generator);
    }

    /// <summary>Differential entropy 0.5 * sum(log(2 pi e) + log sigma^2) over the event.</summary>
    public Tensor Entropy() => EventSum.Over(0.5 * (LogTwoPi + 1.0 + LogVariance), EventDimensions);
}
