namespace Latent.Models;

/// <summary>A model's evaluation figures, which every family returns and metrics.json writes as flat numbers.</summary>
public interface IModelMetrics
{
    /// <summary>The metrics.json entries (test_accuracy, test_nlpd, test_neg_elbo, test_perplexity, … whichever apply).</summary>
    IReadOnlyDictionary<string, double> ToDictionary();
}
