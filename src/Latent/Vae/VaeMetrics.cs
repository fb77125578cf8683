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
/// <param name="ActiveUnits">Latent dimensions whose posterior mean varies across test examples (see <see cref="VaeDiagnostics.ActiveUnits"/>).</param>
/// <param name="KlWeight">The KL weight β the model was trained with.</param>
/// <param name="KlWarmupEpochs">Epochs of the linear KL warm-up it was trained with (0: none).</param>
public sealed record VaeMetrics(double TestNegativeElbo, double? TestIwaeLogLikelihood, long Examples, int IwaeSamples, long IwaeExamples, int ActiveUnits, double KlWeight, int KlWarmupEpochs) : IModelMetrics
{
    /// <summary>The metrics.json entries: test_neg_elbo, active_units, kl_weight, kl_warmup_epochs and, when estimated, test_iwae_loglik.</summary>
    public IReadOnlyDictionary<string, double> ToDictionary()
    {
        var metrics = new Dictionary<string, double>
        {
            ["test_neg_elbo"] = TestNegativeElbo,
            ["active_units"] = ActiveUnits,
            ["kl_weight"] = KlWeight,
            ["kl_warmup_epochs"] = KlWarmupEpochs,
        };
        if (TestIwaeLogLikelihood is { } logLikelihood) metrics["test_iwae_loglik"] = logLikelihood;
        return metrics;
    }
}
