namespace Latent.Vae;

/// <summary>
/// A VAE's held-out figures in nats per example, in the units of the original data (a standardisation is undone with its
/// Jacobian, so the numbers compare with any density model fitted to the same split).
/// </summary>
/// <param name="TestNegativeElbo">Mean −ELBO over the test examples (one z sample each).</param>
/// <param name="Iwae">The importance-weighted log-likelihood estimate (Burda et al. 2016) with its standard error, or null when skipped.</param>
/// <param name="Examples">Test examples the −ELBO averages over.</param>
/// <param name="ActiveUnits">Latent dimensions whose posterior mean varies across test examples (see <see cref="VaeDiagnostics.ActiveUnits"/>).</param>
/// <param name="KlWeight">The KL weight β the model was trained with.</param>
/// <param name="KlWarmupEpochs">Epochs of the linear KL warm-up it was trained with (0: none).</param>
public sealed record VaeMetrics(double TestNegativeElbo, IwaeEstimate? Iwae, long Examples, int ActiveUnits, double KlWeight, int KlWarmupEpochs) : IModelMetrics
{
    /// <summary>Mean importance-weighted log-likelihood estimate, or null when skipped.</summary>
    public double? TestIwaeLogLikelihood => Iwae?.LogLikelihood;

    /// <summary>Importance samples k per example (0 when skipped).</summary>
    public int IwaeSamples => Iwae?.Samples ?? 0;

    /// <summary>Test examples the IWAE estimate averages over (0 when skipped).</summary>
    public long IwaeExamples => Iwae?.Examples ?? 0;

    /// <summary>
    /// The metrics.json entries: test_neg_elbo, active_units, kl_weight, kl_warmup_epochs and, when estimated, test_iwae_loglik with
    /// test_iwae_loglik_stderr and test_iwae_loglik_tenth_k (the estimate from k/10 of the same draws).
    /// </summary>
    public IReadOnlyDictionary<string, double> ToDictionary()
    {
        var metrics = new Dictionary<string, double>
        {
            ["test_neg_elbo"] = TestNegativeElbo,
            ["active_units"] = ActiveUnits,
            ["kl_weight"] = KlWeight,
            ["kl_warmup_epochs"] = KlWarmupEpochs,
        };
        if (Iwae is { } iwae)
        {
            metrics["test_iwae_loglik"] = iwae.LogLikelihood;
            metrics["test_iwae_loglik_stderr"] = iwae.StandardError;
            metrics["test_iwae_loglik_tenth_k"] = iwae.LogLikelihoodWithFewerSamples;
        }
        return metrics;
    }
}
