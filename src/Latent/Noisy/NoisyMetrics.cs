namespace Latent.Noisy;

/// <summary>What a noisy-label classifier scores on clean test labels, and how far its Q is from the true T (when known).</summary>
/// <param name="Clean">Accuracy, NLPD and ECE of the clean-class prediction softmax(f(x)) against the clean test labels.</param>
/// <param name="TransitionMaxAbsError">max |Q − T| against the T that generated the training noise (null when T is unknown).</param>
public sealed record NoisyMetrics(ClassificationMetrics Clean, double? TransitionMaxAbsError) : IModelMetrics
{
    /// <summary>The metrics.json entries: test_accuracy, test_nlpd, test_ece and, when T is known, transition_max_abs_error.</summary>
    public Dictionary<string, double> ToDictionary()
    {
        var entries = Clean.ToDictionary();
        if (TransitionMaxAbsError is { } error) entries["transition_max_abs_error"] = error;
        return entries;
    }

    /// <inheritdoc />
    IReadOnlyDictionary<string, double> IModelMetrics.ToDictionary() => ToDictionary();
}
