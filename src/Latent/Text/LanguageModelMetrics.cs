namespace Latent.Text;

/// <summary>A language model's scores on held-out text: perplexity exp(mean negative log-likelihood) and greedy next-word accuracy.</summary>
public sealed record LanguageModelMetrics(double Perplexity, double Accuracy, long Tokens) : IModelMetrics
{
    /// <summary>The metrics.json keys for the part evaluated (<c>test</c> → test_perplexity, test_accuracy).</summary>
    public IReadOnlyDictionary<string, double> ToDictionary(string part = "test") =>
        new Dictionary<string, double> { [$"{part}_perplexity"] = Perplexity, [$"{part}_accuracy"] = Accuracy };

    /// <inheritdoc />
    IReadOnlyDictionary<string, double> IModelMetrics.ToDictionary() => ToDictionary();
}
