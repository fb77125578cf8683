namespace Latent.Noisy;

/// <summary>What one epoch of a noisy-label run produced.</summary>
/// <param name="Epoch">1-based epoch number.</param>
/// <param name="TrainLoss">Mean loss (noisy-label NLL plus regularizer) over the epoch's steps.</param>
/// <param name="CleanTestAccuracy">Accuracy of argmax f(x) on the clean test labels.</param>
/// <param name="MaxColumnSumError">max_j |Σ_i Q[i, j] − 1| at the end of the epoch (0 without a noise layer).</param>
/// <param name="MinEntry">Smallest entry of Q at the end of the epoch.</param>
/// <param name="MaxAbsErrorToTrue">max |Q − T| against the true T at the end of the epoch.</param>
/// <param name="Seconds">Wall-clock seconds of the epoch's training steps.</param>
/// <param name="Projection">Optimizer-state measurements of the projection (projected Q only).</param>
/// <param name="ValidationLoss">Mean −log p(ỹ | x) on the held-out noisy labels (NaN without a validation split).</param>
public sealed record EpochRecord(
    int Epoch,
    double TrainLoss,
    double CleanTestAccuracy,
    double MaxColumnSumError,
    double MinEntry,
    double MaxAbsErrorToTrue,
    double Seconds,
    ProjectionProbe? Projection,
    double ValidationLoss = double.NaN);
