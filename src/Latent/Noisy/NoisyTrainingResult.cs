namespace Latent.Noisy;

/// <summary>The outcome of one noisy-label run: per-epoch records and the returned Q (or the fixed T it used).</summary>
/// <param name="Model">The noise model that was trained.</param>
/// <param name="Epochs">One record per epoch.</param>
/// <param name="Transition">Q [C, C] of the selected epoch as row-major doubles (identity for the plain baseline).</param>
/// <param name="Classes">Number of classes C.</param>
/// <param name="SelectedEpoch">The 1-based epoch whose weights and Q the run returned: the last one, or the one with the
/// lowest noisy validation loss when the run held out a validation split.</param>
public sealed record NoisyTrainingResult(NoiseModel Model, IReadOnlyList<EpochRecord> Epochs, double[] Transition, int Classes, int SelectedEpoch)
{
    /// <summary>How early stopping ended the run (null when it ran without a patience).</summary>
    public Training.EarlyStop? EarlyStop { get; init; }

    /// <summary>The true T [C, C] that generated the noise, row-major (null when unknown).</summary>
    public double[]? TrueTransition { get; init; }

    /// <summary>The realised noise: for each true class j, the share of its examples whose noisy label is i, row-major (null when unknown).</summary>
    public double[]? RealisedTransition { get; init; }

    /// <summary>The record of the selected epoch.</summary>
    public EpochRecord Selected => Epochs[SelectedEpoch - 1];

    /// <summary>Clean test accuracy of the selected epoch (model selection used noisy labels only).</summary>
    public double SelectedAccuracy => Selected.CleanTestAccuracy;

    /// <summary>Clean test accuracy after the last epoch.</summary>
    public double FinalAccuracy => Epochs.Count == 0 ? double.NaN : Epochs[^1].CleanTestAccuracy;

    /// <summary>Best clean test accuracy over the epochs.</summary>
    public double BestAccuracy => Epochs.Count == 0 ? double.NaN : Epochs.Max(e => e.CleanTestAccuracy);
}
