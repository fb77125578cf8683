namespace Latent.Training;

/// <summary>
/// Early stopping's running state inside <see cref="Trainer"/>: the best validation figure so far (lower is better), its epoch,
/// the epochs since it last improved, and a copy of the model's state at that epoch; checkpoints keep all of it, so a resumed run
/// keeps counting where the stopped one was.
/// </summary>
public sealed class EarlyStopping : IDisposable
{
    private Dictionary<string, Tensor>? best;

    /// <summary>Stops after <paramref name="patience"/> ≥ 1 epochs without improvement.</summary>
    public EarlyStopping(int patience)
    {
        if (patience < 1) throw new LatentException($"patience must be at least 1 epoch, got {patience}");
        Patience = patience;
    }

    /// <summary>Epochs without improvement after which training stops.</summary>
    public int Patience { get; }

    /// <summary>The lowest validation figure seen (+∞ before the first).</summary>
    public double BestValue { get; private set; } = double.PositiveInfinity;

    /// <summary>The epoch (1-based) of <see cref="BestValue"/>; 0 before the first.</summary>
    public int BestEpoch { get; private set; }

    /// <summary>Epochs observed since the figure last improved.</summary>
    public int EpochsWithoutImprovement { get; private set; }

    /// <summary>True once the figure has not improved for <see cref="Patience"/> epochs: training should stop.</summary>
    public bool Exhausted => EpochsWithoutImprovement >= Patience;

    /// <summary>Records the figure <paramref name="value"/> after <paramref name="epoch"/> (1-based); when it improves, keeps a copy of <paramref name="model"/>'s state.</summary>
    public void Observe(int epoch, double value, nn.Module model)
    {
        if (value < BestValue)
        {
            (BestValue, BestEpoch, EpochsWithoutImprovement) = (value, epoch, 0);
            Release();
            best = StateSnapshot.Copy(model);
        }
        else
        {
            EpochsWithoutImprovement++;
        }
    }

    /// <summary>Loads the best epoch's state into <paramref name="model"/>; false (and nothing changed) when no figure was observed.</summary>
    public bool RestoreBest(nn.Module model)
    {
        if (best is null) return false;
        using var noGrad = no_grad();
        model.load_state_dict(best);
        return true;
    }

    /// <summary>The outcome after <paramref name="epochsRun"/> of <paramref name="epochs"/> epochs, naming the figure as <paramref name="figure"/>.</summary>
    public EarlyStop Outcome(string figure, int epochsRun, int epochs) => new(figure, Patience, BestEpoch, BestValue, epochsRun, Exhausted && epochsRun < epochs);

    /// <summary>Writes the counters and the best state into a checkpoint.</summary>
    public void Save(BinaryWriter writer)
    {
        writer.Write(BestValue);
        writer.Write(BestEpoch);
        writer.Write(EpochsWithoutImprovement);
        StateSnapshot.Write(writer, best);
    }

    /// <summary>Reads what <see cref="Save"/> wrote into fresh copies of <paramref name="model"/>'s state tensors (names and shapes checked).</summary>
    public void Load(BinaryReader reader, nn.Module model)
    {
        (BestValue, BestEpoch, EpochsWithoutImprovement) = (reader.ReadDouble(), reader.ReadInt32(), reader.ReadInt32());
        Release();
        best = StateSnapshot.Read(reader, model);
    }

    /// <summary>Releases the copy of the best state.</summary>
    public void Dispose() => Release();

    private void Release()
    {
        StateSnapshot.Dispose(best);
        best = null;
    }
}
