namespace Latent.Text;

/// <summary>
/// Turns next-word logits into a word: p = softmax(logits / T), optionally restricted to the k most likely words, then a
/// draw from p; or greedy argmax. This is the answer to "how do I turn the network's output vector into a one-hot word".
/// </summary>
public static class TokenSampler
{
    /// <summary>softmax(logits / <paramref name="temperature"/>) over the last dimension.</summary>
    public static Tensor Probabilities(Tensor logits, double temperature)
    {
        if (!(temperature > 0) || double.IsInfinity(temperature)) throw new LatentException($"temperature must be a positive number, got {temperature}");
        return nn.functional.softmax(logits.to(ScalarType.Float64) / temperature, -1);
    }

    /// <summary>The index of the largest logit of a [V] vector.</summary>
    public static long Greedy(Tensor logits)
    {
        CheckVector(logits);
        return logits.argmax().item<long>();
    }

    /// <summary>
    /// Draws an index from softmax(logits / T) of a [V] vector, keeping only the <paramref name="topK"/> largest logits when
    /// it is positive (0 keeps all).
    /// </summary>
    public static long Sample(Tensor logits, double temperature, int topK, Generator generator)
    {
        CheckVector(logits);
        if (topK < 0) throw new LatentException($"top-k must be ≥ 0, got {topK}");
        using var scope = NewDisposeScope();
        var scores = logits.to(ScalarType.Float64);
        if (topK > 0 && topK < scores.shape[0])
        {
            var kth = scores.topk(topK).values[topK - 1];
            scores = scores.masked_fill(scores < kth, double.NegativeInfinity);
        }
        var p = Probabilities(scores, temperature);
        return multinomial(p, 1, generator: generator).item<long>();
    }

    private static void CheckVector(Tensor logits)
    {
        if (logits.dim() != 1) throw new LatentException($"logits must be a [V] vector, got [{string.Join(", ", logits.shape)}]");
        if (logits.isnan().any().item<bool>()) throw new LatentException("logits contain NaN");
    }
}
