namespace Latent.Vae;

/// <summary>
/// An importance-weighted log-likelihood estimate over a set of examples (Burda et al. 2016), in nats per example, with what is needed
/// to judge it: its standard error over the examples (how much a different subset would move it) and the estimate from the first
/// <see cref="FewerSamples"/> of the same draws (how much a smaller k would move it).
/// </summary>
/// <param name="LogLikelihood">Mean over the examples of log (1/k) Σᵢ wᵢ.</param>
/// <param name="StandardError">Standard deviation of the per-example estimates divided by √examples.</param>
/// <param name="LogLikelihoodWithFewerSamples">The same mean from the first <paramref name="FewerSamples"/> draws of each example.</param>
/// <param name="Samples">Importance samples k per example.</param>
/// <param name="FewerSamples">The smaller k (k/10, at least 1).</param>
/// <param name="Examples">Examples averaged over.</param>
public sealed record IwaeEstimate(double LogLikelihood, double StandardError, double LogLikelihoodWithFewerSamples, int Samples, int FewerSamples, long Examples)
{
    /// <summary>This estimate shifted by <paramref name="offset"/> nats per example (a change of units, such as undoing a standardisation).</summary>
    public IwaeEstimate Shifted(double offset) => this with { LogLikelihood = LogLikelihood + offset, LogLikelihoodWithFewerSamples = LogLikelihoodWithFewerSamples + offset };
}
