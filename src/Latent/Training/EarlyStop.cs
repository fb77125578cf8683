using System.Globalization;

namespace Latent.Training;

/// <summary>
/// How early stopping ended a run: the epoch (1-based) with the best validation figure, whose weights the model holds, that figure,
/// the epochs run, and whether the run stopped before its last epoch because the figure had not improved for <see cref="Patience"/> epochs.
/// </summary>
public sealed record EarlyStop(string Figure, int Patience, int BestEpoch, double BestValue, int EpochsRun, bool Stopped)
{
    /// <summary>The metrics.json key that records the epoch the run stopped after.</summary>
    public const string MetricName = "stopped_early_at_epoch";

    /// <summary>The epoch the run stopped after, when it stopped early.</summary>
    public int? StoppedAtEpoch => Stopped ? EpochsRun : null;

    /// <summary>One line on why the run stopped and which weights the model holds, or null when it ran all epochs and kept the last.</summary>
    public string? Describe()
    {
        var best = string.Create(CultureInfo.InvariantCulture, $"epoch {BestEpoch}'s weights (validation {Figure} {BestValue:G6})");
        if (Stopped) return $"stopped early after epoch {EpochsRun}: the validation {Figure} had not improved for {Patience} epoch{(Patience == 1 ? "" : "s")}; the model holds {best}";
        return BestEpoch < EpochsRun ? $"the model holds {best}, the best of {EpochsRun} epochs" : null;
    }

    /// <summary><paramref name="metrics"/> with <see cref="MetricName"/> added when the run stopped early.</summary>
    public IReadOnlyDictionary<string, double> AddTo(IReadOnlyDictionary<string, double> metrics) =>
        StoppedAtEpoch is { } epoch ? new Dictionary<string, double>(metrics) { [MetricName] = epoch } : metrics;
}
