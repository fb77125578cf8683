namespace Latent.Training;

/// <summary>One reliability-diagram bin: its confidence range, how many examples fall in it, their mean confidence and accuracy.</summary>
public readonly record struct CalibrationBin(double Low, double High, int Count, double Confidence, double Accuracy);

/// <summary>Held-out metrics of a probabilistic classifier: accuracy, negative log predictive density and expected calibration error.</summary>
/// <param name="Count">Number of evaluated examples.</param>
/// <param name="Accuracy">Share of examples whose most probable class is the label.</param>
/// <param name="Nlpd">Mean −log p(y | x) in nats.</param>
/// <param name="Ece">Expected calibration error Σ_b (n_b / N) |accuracy_b − confidence_b| over equal-width confidence bins (Guo et al. 2017).</param>
/// <param name="Bins">The non-empty bins, for a reliability diagram.</param>
public sealed record ClassificationMetrics(long Count, double Accuracy, double Nlpd, double Ece, IReadOnlyList<CalibrationBin> Bins) : IModelMetrics
{
    /// <summary>Number of confidence bins of the ECE unless a caller asks for another.</summary>
    public const int DefaultBinCount = 15;

    /// <summary>
    /// The metrics of a classifier's <paramref name="predictProbabilities"/> ([n, …] → [n, C]) on <paramref name="features"/>, predicted
    /// <paramref name="chunk"/> examples at a time so memory stays bounded; <paramref name="stop"/> is checked before each chunk.
    /// </summary>
    public static ClassificationMetrics ComputeInChunks(Func<Tensor, Tensor> predictProbabilities, Tensor features, Tensor labels, int chunk, CancellationToken stop)
    {
        using var scope = NewDisposeScope();
        var chunks = new List<Tensor>();
        for (long start = 0; start < features.shape[0]; start += chunk)
        {
            PhaseInterruptedException.ThrowIf(stop, "the test evaluation");
            chunks.Add(predictProbabilities(features.narrow(0, start, Math.Min(chunk, features.shape[0] - start))));
        }
        return Compute(chunks.Count == 0 ? predictProbabilities(features) : cat(chunks, 0), labels);
    }

    /// <summary>
    /// The metrics of class probabilities [N, C] against labels [N] (int64 in 0..C−1). The NLPD uses <paramref name="logDensity"/>
    /// log p(yᵢ | xᵢ) [N] when the model computes it directly, else the log of the labels' probabilities. The sums run on the
    /// probabilities' device (the labels are brought there); only the bin totals come back to the CPU.
    /// </summary>
    public static ClassificationMetrics Compute(Tensor probabilities, Tensor labels, Tensor? logDensity = null, int binCount = DefaultBinCount)
    {
        if (probabilities.dim() != 2 || labels.dim() != 1 || probabilities.shape[0] != labels.shape[0] || labels.shape[0] == 0)
            throw new LatentException($"classification metrics need probabilities [N, C] and labels [N] with N ≥ 1, got [{string.Join(", ", probabilities.shape)}] and [{string.Join(", ", labels.shape)}]");
        using var scope = NewDisposeScope();
        var p = probabilities.to(ScalarType.Float64);
        var y = labels.to(p.device);
        var (confidence, predicted) = p.max(1);
        var correct = predicted.eq(y).to(ScalarType.Float64);
        var logP = logDensity?.to(ScalarType.Float64) ?? p.gather(1, y.unsqueeze(1)).squeeze(1).clamp_min(1e-300).log();
        var bin = (confidence * binCount).floor().clamp(0, binCount - 1).to(ScalarType.Int64);
        var counts = bin.bincount(null, binCount).cpu().data<long>().ToArray();
        var confidenceSums = bin.bincount(confidence, binCount).cpu().data<double>().ToArray();
        var correctSums = bin.bincount(correct, binCount).cpu().data<double>().ToArray();
        long n = labels.shape[0];
        var bins = Enumerable.Range(0, binCount).Where(b => counts[b] > 0)
            .Select(b => new CalibrationBin((double)b / binCount, (b + 1.0) / binCount, (int)counts[b], confidenceSums[b] / counts[b], correctSums[b] / counts[b]))
            .ToList();
        var ece = bins.Sum(b => b.Count * Math.Abs(b.Accuracy - b.Confidence)) / n;
        return new ClassificationMetrics(n, correct.mean().item<double>(), -logP.mean().item<double>(), ece, bins);
    }

    /// <summary>The metrics.json entries: test_accuracy, test_nlpd, test_ece.</summary>
    public Dictionary<string, double> ToDictionary() => new() { ["test_accuracy"] = Accuracy, ["test_nlpd"] = Nlpd, ["test_ece"] = Ece };

    /// <inheritdoc />
    IReadOnlyDictionary<string, double> IModelMetrics.ToDictionary() => ToDictionary();
}
