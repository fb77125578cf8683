using static TorchSharp.torch;

namespace Latent.Gp;

/// <summary>One reliability-diagram bin: the mean confidence (largest predicted probability) and accuracy of the examples in it.</summary>
public readonly record struct CalibrationBin(double Low, double High, int Count, double Confidence, double Accuracy);

/// <summary>Held-out metrics of a probabilistic classifier: accuracy, mean negative log predictive density and expected calibration error.</summary>
public sealed record ClassificationMetrics(long Count, double Accuracy, double Nlpd, double Ece, IReadOnlyList<CalibrationBin> Bins)
{
    /// <summary>The metrics.json keys: test_accuracy, test_nlpd (nats per example), test_ece.</summary>
    public IReadOnlyDictionary<string, double> ToDictionary() =>
        new Dictionary<string, double> { ["test_accuracy"] = Accuracy, ["test_nlpd"] = Nlpd, ["test_ece"] = Ece };

    /// <summary>
    /// Computes the metrics from predicted class probabilities [N, C], log predictive densities log p(yᵢ | xᵢ) [N] and labels [N];
    /// ECE = Σ_b (n_b / N) |accuracy_b − confidence_b| over <paramref name="binCount"/> equal-width confidence bins (empty bins are left out of Bins).
    /// </summary>
    public static ClassificationMetrics From(Tensor probabilities, Tensor logDensity, Tensor labels, int binCount = 10)
    {
        var n = probabilities.shape[0];
        if (n == 0) throw new LatentException("classification metrics: no test examples");
        using var scope = NewDisposeScope();
        var top = probabilities.max(1);
        var confidence = top.values.to(float64).data<double>().ToArray();
        var correct = top.indexes.eq(labels).data<bool>().ToArray();
        var nlpd = -logDensity.to(float64).mean().item<double>();
        var bins = new List<CalibrationBin>();
        var ece = 0.0;
        for (var b = 0; b < binCount; b++)
        {
            var inside = Enumerable.Range(0, (int)n).Where(i => Math.Min(binCount - 1, (int)(confidence[i] * binCount)) == b).ToArray();
            if (inside.Length == 0) continue;
            var bin = new CalibrationBin((double)b / binCount, (b + 1.0) / binCount, inside.Length, inside.Average(i => confidence[i]), inside.Average(i => correct[i] ? 1.0 : 0.0));
            ece += inside.Length / (double)n * Math.Abs(bin.Accuracy - bin.Confidence);
            bins.Add(bin);
        }
        return new ClassificationMetrics(n, correct.Average(c => c ? 1.0 : 0.0), nlpd, ece, bins);
    }
}
