namespace Latent.Text;

/// <summary>
/// The tempting wrong way to decode a language model's output vector: return the word whose embedding is closest by
/// cosine. It ignores word frequency (the bias and the norms of the output rows) and gives no calibrated
/// probabilities; a distribution softmax(cos / τ) over the vocabulary makes its perplexity comparable with the softmax head's.
/// </summary>
public sealed class NearestEmbeddingDecoder : IDisposable
{
    private readonly Tensor unitEmbeddings;

    /// <summary>Temperatures τ worth trying for <see cref="LogProbabilities"/>; pick the best on held-out text.</summary>
    public static IReadOnlyList<double> TemperatureGrid { get; } = [0.02, 0.05, 0.1, 0.2, 0.5];

    /// <summary>Normalises the rows of <paramref name="embeddings"/> [V, E] (a copy; the model is not touched).</summary>
    public NearestEmbeddingDecoder(Tensor embeddings)
    {
        if (embeddings.dim() != 2) throw new LatentException($"embeddings must be a [V, E] matrix, got [{string.Join(", ", embeddings.shape)}]");
        using var noGrad = no_grad();
        unitEmbeddings = nn.functional.normalize(embeddings.detach(), p: 2, dim: 1).clone();
    }

    /// <summary>Cosine similarity of each output vector [..., E] with every word [..., V].</summary>
    public Tensor Cosines(Tensor outputs)
    {
        if (outputs.shape[^1] != unitEmbeddings.shape[1])
            throw new LatentException($"output vectors have size {outputs.shape[^1]}, embeddings {unitEmbeddings.shape[1]}");
        return nn.functional.normalize(outputs, p: 2, dim: -1).matmul(unitEmbeddings.t());
    }

    /// <summary>The nearest word of each output vector [..., E] → [...].</summary>
    public Tensor Decode(Tensor outputs) => Cosines(outputs).argmax(-1);

    /// <summary>log softmax(cos / τ) [..., V]: the nearest-embedding rule read as a distribution, sharper as τ → 0.</summary>
    public Tensor LogProbabilities(Tensor outputs, double temperature)
    {
        if (!(temperature > 0)) throw new LatentException($"temperature must be > 0, got {temperature}");
        return nn.functional.log_softmax(Cosines(outputs) / temperature, -1);
    }

    /// <summary>Frees the normalised copy.</summary>
    public void Dispose() => unitEmbeddings.Dispose();
}
