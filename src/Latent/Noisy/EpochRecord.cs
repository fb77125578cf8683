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
    double ValidationLoss = double.NaN)
{
    /// <summary>Writes <paramref name="records"/> into a checkpoint.</summary>
    internal static void WriteAll(BinaryWriter writer, IReadOnlyList<EpochRecord> records)
    {
        writer.Write(records.Count);
        foreach (var r in records)
        {
            writer.Write(r.Epoch);
            foreach (var value in new[] { r.TrainLoss, r.CleanTestAccuracy, r.MaxColumnSumError, r.MinEntry, r.MaxAbsErrorToTrue, r.Seconds, r.ValidationLoss }) writer.Write(value);
            writer.Write(r.Projection is not null);
            if (r.Projection is { } p)
                foreach (var value in new[] { p.ProjectionToStepRatio, p.StepProjectionCosine, p.MomentumProjectionCosine, p.MomentumOffSimplexShare, p.PinnedShare }) writer.Write(value);
        }
    }

    /// <summary>Reads what <see cref="WriteAll"/> wrote.</summary>
    internal static List<EpochRecord> ReadAll(BinaryReader reader)
    {
        int count = reader.ReadInt32();
        if (count < 0 || count > 1_000_000) throw new LatentException($"{count} epoch records is not a count");
        var records = new List<EpochRecord>();
        for (int i = 0; i < count; i++)
        {
            int epoch = reader.ReadInt32();
            var v = Enumerable.Range(0, 7).Select(_ => reader.ReadDouble()).ToArray();
            ProjectionProbe? probe = null;
            if (reader.ReadBoolean())
            {
                var p = Enumerable.Range(0, 5).Select(_ => reader.ReadDouble()).ToArray();
                probe = new ProjectionProbe(p[0], p[1], p[2], p[3], p[4]);
            }
            records.Add(new EpochRecord(epoch, v[0], v[1], v[2], v[3], v[4], v[5], probe, v[6]));
        }
        return records;
    }
}
