namespace Latent.Text;

/// <summary>
/// A token stream laid out for truncated back-propagation through time: cut into <c>batch</c> contiguous rows
/// [batch, length] (the tail that does not fill a row is dropped), read in consecutive chunks of at most <c>bptt</c> steps
/// so that the recurrent state of row r carries over from one chunk to the next.
/// </summary>
public sealed class TokenBatches : IDisposable
{
    private readonly Tensor rows;

    /// <summary>Lays out <paramref name="tokens"/> as <paramref name="batchSize"/> rows on <paramref name="device"/>.</summary>
    public TokenBatches(IReadOnlyList<int> tokens, int batchSize, int bptt, Device device)
    {
        if (batchSize < 1 || bptt < 1) throw new LatentException($"batch size and BPTT length must be ≥ 1, got {batchSize} and {bptt}");
        long rowLength = tokens.Count / batchSize;
        if (rowLength < 2) throw new LatentException($"{tokens.Count} tokens are too few for {batchSize} rows of at least 2 tokens");
        var data = new long[batchSize * rowLength];
        for (long i = 0; i < data.Length; i++) data[i] = tokens[(int)i];
        rows = tensor(data, [batchSize, rowLength], device: device);
        BatchSize = batchSize;
        Bptt = bptt;
        ChunkCount = (int)((rowLength - 1 + bptt - 1) / bptt);
        Tokens = batchSize * (rowLength - 1);
    }

    /// <summary>Rows read in parallel.</summary>
    public int BatchSize { get; }

    /// <summary>Maximum time steps per chunk.</summary>
    public int Bptt { get; }

    /// <summary>Chunks per pass.</summary>
    public int ChunkCount { get; }

    /// <summary>Predicted tokens per pass (every token of a row but the first).</summary>
    public long Tokens { get; }

    /// <summary>Chunk <paramref name="index"/>: inputs [batch, t] and the next tokens as targets [batch, t].</summary>
    public (Tensor Input, Tensor Target) Chunk(int index)
    {
        if (index < 0 || index >= ChunkCount) throw new LatentException($"chunk {index} is outside [0, {ChunkCount})");
        long start = (long)index * Bptt;
        long length = Math.Min(Bptt, rows.shape[1] - 1 - start);
        return (rows.narrow(1, start, length), rows.narrow(1, start + 1, length));
    }

    /// <summary>Predicted tokens in chunk <paramref name="index"/>: batch × its time steps.</summary>
    public long ChunkTokens(int index) => BatchSize * Math.Min(Bptt, rows.shape[1] - 1 - (long)index * Bptt);

    /// <summary>Frees the token tensor.</summary>
    public void Dispose() => rows.Dispose();
}
