namespace Latent.Noisy;

/// <summary>The outcome of one noisy-label run: per-epoch records and the final Q (or the fixed T it used).</summary>
/// <param name="Model">The noise model that was trained.</param>
/// <param name="Epochs">One record per epoch.</param>
/// <param name="Transition">Final Q [C, C] as row-major doubles (identity for the plain baseline).</param>
/// <param name="Classes">Number of classes C.</param>
public sealed record NoisyTrainingResult(NoiseModel Model, IReadOnlyList<EpochRecord> Epochs, double[] Transition, int Classes)
{
    /// <summary>Clean test accuracy after the last epoch.</summary>
    public double FinalAccuracy => Epochs.Count == 0 ? double.NaN : Epochs[^1].CleanTestAccuracy;

    /// <summary>Best clean test accuracy over the epochs.</summary>
    public double BestAccuracy => Epochs.Count == 0 ? double.NaN : Epochs.Max(e => e.CleanTestAccuracy);
}
