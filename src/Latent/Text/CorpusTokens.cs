using Latent.Data;

namespace Latent.Text;

/// <summary>Word tokens of a corpus for the text commands: the embedded Brown corpus, a tagged corpus, or plain text.</summary>
public static class CorpusTokens
{
    /// <summary>
    /// The tokens of <paramref name="path"/> (a file or a directory; null: the embedded Brown corpus). A corpus whose tokens
    /// are mostly "word/tag" is read as tagged (tags dropped); otherwise the text is split by <see cref="Tokenizer"/>.
    /// </summary>
    public static IReadOnlyList<string> Load(string? path, bool lowercase)
    {
        var corpus = path is null ? BrownCorpus.LoadEmbedded() : BrownCorpus.Load(path);
        var tokens = corpus.Sentences.SelectMany(s => s).ToList();
        bool tagged = tokens.Count(t => t.Tag.Length > 0) * 2 > tokens.Count;
        var words = tagged
            ? tokens.Select(t => lowercase ? t.Word.ToLowerInvariant() : t.Word)
            : tokens.SelectMany(t => Tokenizer.Tokenize(t.Word, lowercase));
        var list = words.ToList();
        if (list.Count == 0) throw new LatentException($"{path ?? "embedded corpus"}: no word tokens");
        return list;
    }

    /// <summary>
    /// Contiguous train / validation / test ranges: the Bengio et al. (2003) split (800,000 / 200,000 / rest) when the corpus
    /// has more than 1,000,000 tokens, otherwise 80% / 10% / 10%.
    /// </summary>
    public static CorpusSplit Split(IReadOnlyList<string> tokens)
    {
        int train, validation;
        if (tokens.Count > BrownCorpus.BengioTrainTokens + BrownCorpus.BengioValidationTokens)
            (train, validation) = (BrownCorpus.BengioTrainTokens, BrownCorpus.BengioValidationTokens);
        else
            (train, validation) = (tokens.Count * 8 / 10, tokens.Count / 10);
        if (validation < 2 || tokens.Count - train - validation < 2) throw new LatentException($"corpus of {tokens.Count} tokens is too small to split into train, validation and test");
        var list = tokens as List<string> ?? tokens.ToList();
        return new CorpusSplit(list.GetRange(0, train), list.GetRange(train, validation), list.GetRange(train + validation, list.Count - train - validation));
    }
}
