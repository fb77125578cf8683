namespace Latent.Text;

/// <summary>Generates text one word at a time: feed the prompt, then repeatedly project, choose a word from the logits and feed it back.</summary>
public static class TextGenerator
{
    /// <summary>
    /// Continues <paramref name="prompt"/> (word indices, at least one) by <paramref name="count"/> words; <paramref name="choose"/>
    /// maps the [V] logits of the next word to its index (for example <see cref="TokenSampler.Sample"/> or <see cref="TokenSampler.Greedy"/>).
    /// </summary>
    public static IReadOnlyList<int> Generate(LstmLanguageModel model, IReadOnlyList<int> prompt, int count, Func<Tensor, long> choose)
    {
        if (prompt.Count == 0) throw new LatentException("generation needs a prompt of at least one word");
        if (count < 0) throw new LatentException($"word count must be ≥ 0, got {count}");
        model.eval();
        using var noGrad = no_grad();
        var device = model.EmbeddingWeight.device;
        var generated = new List<int>(count);
        (Tensor Hidden, Tensor Cell)? state = null;
        var input = tensor(prompt.Select(i => (long)i).ToArray(), [1, prompt.Count], device: device);
        for (int i = 0; i < count; i++)
        {
            using var scope = NewDisposeScope();
            var (logits, next) = model.forward(input, state);
            int word = (int)choose(logits[0, -1]);
            generated.Add(word);
            input = tensor(new long[] { word }, [1, 1], device: device).MoveToOuterDisposeScope();
            state?.Hidden.Dispose();
            state?.Cell.Dispose();
            state = (next.Hidden.MoveToOuterDisposeScope(), next.Cell.MoveToOuterDisposeScope());
        }
        state?.Hidden.Dispose();
        state?.Cell.Dispose();
        return generated;
    }
}
