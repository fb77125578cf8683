using static TorchSharp.torch;

namespace Latent.Training;

/// <summary>Held-out metrics of a probabilistic classifier: accuracy, negative log predictive density and expected calibration error.</summary>
/// <param name="Accuracy">Share of examples whose most probable class is the label.</param>
/// <param name="Nlpd">Mean −log p(y | x) in nats.</param>
/// <param name="Ece">Expected calibration error over <see cref="CalibrationBins"/> equal-width confidence bins (Guo et al. 2017).</param>
public sealed record ClassificationMetrics(double Accuracy, double Nlpd, double Ece)
{
    /// <summary>Number of confidence bins of the ECE.</summary>
    public const int CalibrationBins = 15;

    /// <summary>The metrics of class probabilities [N, C] against labels [N] (int64 in 0..C−1).</summary>
    public static ClassificationMetrics Compute(Tensor probabilities, Tensor labels)
    {
        if (probabilities.dim() != 2 || labels.dim() != 1 || probabilities.shape[0] != labels.shape[0] || labels.shape[0] == 0)
            throw new LatentException($"classification metrics need probabilities [N, C] and labels [N] with N ≥ 1, got [{string.Join(", ", probabilities.shape)}] and [{string.Join(", ", labels.shape)}]");
        using var scope = NewDisposeScope();
        var p = probabilities.to(ScalarType.Float64);
        var (confidence, predicted) = p.max(1);
        var correct = predicted.eq(labels).to(ScalarType.Float64);
        var nlpd = -p.gather(1, labels.unsqueeze(1)).clamp_min(1e-300).log().mean().item<double>();
        var bins = (confidence * CalibrationBins).floor().clamp(0, CalibrationBins - 1).to(ScalarType.Int64);
        var count = bins.bincount(null, CalibrationBins).to(ScalarType.Float64);
        var gap = (bins.bincount(confidence, CalibrationBins) - bins.bincount(correct, CalibrationBins)).abs();
        var ece = (gap.sum() / count.sum()).item<double>();
        return new ClassificationMetrics(correct.mean().item<double>(), nlpd, ece);
    }

    /// <summary>The metrics.json entries: test_accuracy, test_nlpd, test_ece.</summary>
    public Dictionary<string, double> ToDictionary() => new() { ["test_accuracy"] = Accuracy, ["test_nlpd"] = Nlpd, ["test_ece"] = Ece };
}
