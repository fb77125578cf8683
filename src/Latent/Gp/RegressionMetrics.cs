namespace Latent.Gp;

/// <summary>Held-out metrics of a probabilistic regression model, all in the data's own units.</summary>
/// <param name="Count">Number of evaluated points.</param>
/// <param name="Rmse">Root mean squared error of the predictive mean, over points and outputs.</param>
/// <param name="Mae">Mean absolute error of the predictive mean, over points and outputs.</param>
/// <param name="Nlpd">Mean −log p(y* | x*, data) per point in nats (summed over outputs).</param>
/// <param name="Coverage95">Share of targets inside the predictive mean ± 1.96 predictive standard deviations.</param>
/// <param name="Accuracy">For 0/1 targets, the share whose predicted probability is on the right side of ½; otherwise null.</param>
public sealed record RegressionMetrics(long Count, double Rmse, double Mae, double Nlpd, double Coverage95, double? Accuracy = null) : IModelMetrics
{
    /// <inheritdoc />
    public IReadOnlyDictionary<string, double> ToDictionary()
    {
        var metrics = new Dictionary<string, double> { ["test_rmse"] = Rmse, ["test_mae"] = Mae, ["test_nlpd"] = Nlpd, ["test_coverage_95"] = Coverage95 };
        if (Accuracy is { } accuracy) metrics["test_accuracy"] = accuracy;
        return metrics;
    }
}
