namespace Latent.Noisy;

/// <summary>One noise model's outcome in a run that trained several: its name, its training record and its clean test metrics.</summary>
/// <param name="Name">The noise model's name (see <see cref="NoiseModels"/>).</param>
/// <param name="Result">Its per-epoch record and returned Q.</param>
/// <param name="Metrics">Its clean test metrics and max |Q − T|.</param>
public sealed record NoisyRun(string Name, NoisyTrainingResult Result, NoisyMetrics Metrics);

/// <summary>
/// What a run that trained several noise models reports in metrics.json: for each model &lt;name&gt;_test_accuracy and
/// &lt;name&gt;_transition_max_abs_error, then the flat metrics (test_accuracy, test_nlpd, test_ece, transition_max_abs_error) of the
/// recommended model (with stopped_early_at_epoch when early stopping ended it), named in the string entry recommended_model.
/// </summary>
/// <param name="Numbers">The numeric entries.</param>
/// <param name="Recommended">The recommended model's name.</param>
public sealed record NoisyComparison(IReadOnlyDictionary<string, double> Numbers, string Recommended)
{
    /// <summary>The string entry that names the recommended model.</summary>
    public const string RecommendedKey = "recommended_model";

    /// <summary>The string entries of metrics.json: recommended_model.</summary>
    public IReadOnlyDictionary<string, string> Labels => new Dictionary<string, string> { [RecommendedKey] = Recommended };

    /// <summary>
    /// Compares <paramref name="runs"/> (at least one). The recommended model is the one whose selected epoch has the lowest noisy-label
    /// validation loss −log p(ỹ | x), so no clean label chooses it; the oracle forward correction with the true T is never recommended.
    /// Without a validation split (every loss NaN) it is the first learned Q, else the first run.
    /// </summary>
    public static NoisyComparison Of(IReadOnlyList<NoisyRun> runs)
    {
        if (runs.Count == 0) throw new LatentException("a comparison of noise models needs at least one trained model");
        var candidates = runs.Where(run => run.Result.Model != NoiseModel.ForwardKnown).DefaultIfEmpty(runs[0]).ToList();
        var validated = candidates.Where(run => double.IsFinite(run.Result.Selected.ValidationLoss)).ToList();
        var recommended = validated.Count > 0
            ? validated.MinBy(run => run.Result.Selected.ValidationLoss)!
            : candidates.FirstOrDefault(run => run.Result.Model is NoiseModel.Softmax or NoiseModel.Project, candidates[0]);
        var numbers = new Dictionary<string, double>();
        foreach (var run in runs)
        {
            numbers[$"{run.Name}_test_accuracy"] = run.Metrics.Clean.Accuracy;
            if (run.Metrics.TransitionMaxAbsError is { } error) numbers[$"{run.Name}_transition_max_abs_error"] = error;
        }
        var flat = recommended.Metrics.ToDictionary();
        foreach (var (key, value) in recommended.Result.EarlyStop?.AddTo(flat) ?? flat) numbers[key] = value;
        return new NoisyComparison(numbers, recommended.Name);
    }
}
