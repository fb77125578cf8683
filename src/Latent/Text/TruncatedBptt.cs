namespace Latent.Text;

/// <summary>
/// Truncated back-propagation through time as a batch-loss function for <see cref="Latent.Training.Trainer"/>: each
/// "example" is one chunk of <see cref="TokenBatches"/>, visited in order with batch size 1 and shuffling off (see
/// <see cref="TrainerOptions"/>); the recurrent state is carried from chunk to chunk, detached so that gradients stop
/// at the chunk boundary, and reset when chunk 0 comes round again.
/// </summary>
public sealed class TruncatedBptt : IDisposable
{
    private readonly LstmLanguageModel model;
    private readonly TokenBatches batches;
    private (Tensor Hidden, Tensor Cell)? state;

    /// <summary>Trains <paramref name="model"/> on <paramref name="batches"/>.</summary>
    public TruncatedBptt(LstmLanguageModel model, TokenBatches batches)
    {
        this.model = model;
        this.batches = batches;
    }

    /// <summary>Trainer options that visit the chunks in order, one per step: <see cref="Latent.Training.TrainerOptions.Shuffle"/> off, batch size 1.</summary>
    public static Latent.Training.TrainerOptions TrainerOptions(int epochs, double clipNorm, long seed) =>
        new() { Epochs = epochs, BatchSize = 1, Shuffle = false, ClipGradientNorm = clipNorm, Seed = seed };

    /// <summary>Mean next-word cross-entropy (nats per token) of the chunk whose index is the single element of <paramref name="chunkIndex"/>.</summary>
    public Tensor Loss(Tensor chunkIndex)
    {
        if (chunkIndex.numel() != 1) throw new LatentException($"truncated BPTT takes one chunk per step (batch size 1, no shuffling), got {chunkIndex.numel()}");
        int index = (int)chunkIndex.item<long>();
        if (index == 0) ResetState();
        var (input, target) = batches.Chunk(index);
        var (hidden, next) = model.Hidden(input, state);
        ResetState();
        state = (next.Hidden.detach().DetachFromDisposeScope(), next.Cell.detach().DetachFromDisposeScope());
        return model.CrossEntropy(hidden, target);
    }

    /// <summary>Writes the carried recurrent state (for a checkpoint, so that a run resumed mid-epoch carries it on).</summary>
    public void Save(BinaryWriter writer)
    {
        writer.Write(state is not null);
        if (state is not { } carried) return;
        foreach (var tensor in new[] { carried.Hidden, carried.Cell })
        {
            writer.Write((int)tensor.dtype);
            writer.Write((int)tensor.dim());
            foreach (var size in tensor.shape) writer.Write(size);
            tensor.Save(writer);
        }
    }

    /// <summary>Reads back the state <see cref="Save"/> wrote (a GRU's empty cell part included); sizes beyond a recurrent state's are refused as a corrupt checkpoint.</summary>
    public void Load(BinaryReader reader)
    {
        ResetState();
        if (!reader.ReadBoolean()) return;
        var parts = new Tensor[2];
        for (var i = 0; i < parts.Length; i++)
        {
            var dtype = (ScalarType)reader.ReadInt32();
            var rank = reader.ReadInt32();
            if (rank is < 1 or > 3) throw new LatentException($"checkpoint is corrupt (recurrent state of rank {rank})");
            var shape = new long[rank];
            for (var d = 0; d < rank; d++) shape[d] = reader.ReadInt64();
            if (dtype is not (ScalarType.Float32 or ScalarType.Float64) || shape.Any(size => size < 0 || size > 1 << 20) || shape.Aggregate(1L, (a, b) => a * b) > 1 << 26)
                throw new LatentException($"checkpoint is corrupt (recurrent state {dtype} [{string.Join(", ", shape)}])");
            parts[i] = zeros(shape, dtype, device: model.EmbeddingWeight.device).DetachFromDisposeScope();
            parts[i].Load(reader);
        }
        state = (parts[0], parts[1]);
    }

    /// <summary>Frees the carried state.</summary>
    public void Dispose() => ResetState();

    private void ResetState()
    {
        state?.Hidden.Dispose();
        state?.Cell.Dispose();
        state = null;
    }
}
