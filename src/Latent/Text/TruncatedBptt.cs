using static TorchSharp.torch;

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
        var (logits, next) = model.forward(input, state);
        ResetState();
        state = (next.Hidden.detach().DetachFromDisposeScope(), next.Cell.detach().DetachFromDisposeScope());
        return nn.functional.cross_entropy(logits.reshape(-1, logits.shape[2]), target.reshape(-1));
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
