using Latent.Models;
namespace Latent.Vae;

/// <summary>
/// A VAE's held-out figures in nats per example, in the units of the original data (a standardisation is undone with its
/// Jacobian, so the numbers compare with any density model fitted to the same split).
/// </summary>
/// <param name="TestNegativeElbo">Mean −ELBO over the test examples (one z sample each).</param>
/// <param name="TestIwaeLogLikelihood">Mean importance-weighted log-likelihood estimate (Burda et al. 2016), or null when skipped.</param>
/// <param name="Examples">Test examples the −ELBO averages over.</param>
/// <param name="IwaeSamples">Importance samples k per example.</param>
/// <param name="IwaeExamples">Test examples the IWAE estimate averages over.</param>
public sealed record VaeMetrics(double TestNegativeElbo, double? TestIwaeLogLikelihood, long Examples, int IwaeSamples, long IwaeExamples) : IModelMetrics
{
    /// <summary>The metrics.json entries: test_neg_elbo and, when estimated, test_iwae_loglik.</summary>
    public IReadOnlyDictionary<string, double> ToDictionary()
    {
        var metrics = new Dictionary<string, double> { ["test_neg_elbo"] = TestNegativeElbo };
        if (TestIwaeLogLikelihood is { } logLikelihood) metrics["test_iwae_loglik"] = logLikelihood;
        return metrics;
    }
}
