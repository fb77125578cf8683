namespace Latent.Text;

/// <summary>Word tokens of a corpus for the text models: the embedded Brown corpus, a tagged corpus, or plain text.</summary>
public static class CorpusTokens
{
    /// <summary>
    /// The tokens of <paramref name="path"/> (a file or a directory of files; null: the embedded Brown corpus), in corpus
    /// order and case as written. A corpus whose tokens are mostly "word/tag" is read as tagged (tags dropped); otherwise each
    /// line (a sentence, or any free text) is split by <see cref="Tokenizer"/>. A missing, unreadable or empty corpus is a one-line error.
    /// <paramref name="stop"/> interrupts the reading (<see cref="Training.PhaseInterruptedException"/>).
    /// </summary>
    public static Corpus Load(string? path, CancellationToken stop = default)
    {
        BrownCorpus corpus;
        try
        {
            corpus = BrownCorpus.Load(path ?? DataPaths.Brown(), stop);
        }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException)
        {
            throw new LatentException($"{path}: cannot read the corpus ({e.Message.ReplaceLineEndings(" ")})", e);
        }
        var tokens = corpus.Sentences.SelectMany(s => s).ToList();
        bool tagged = tokens.Count(t => t.Tag.Length > 0) * 2 > tokens.Count;
        var words = tagged ? tokens.Select(t => t.Word) : tokens.SelectMany(t => Tokenizer.Tokenize(t.Word, lowercase: false));
        var list = words.ToList();
        if (list.Count == 0) throw new LatentException($"{path ?? "embedded corpus"}: no word tokens");
        return new Corpus(list, DataProvenance.FromPaths(path ?? "embedded Brown corpus", [path ?? DataPaths.Brown()]));
    }

    /// <summary>
    /// Contiguous train / validation / test parts of <paramref name="path"/>'s tokens (no shuffling, so no leakage across
    /// documents). The embedded Brown corpus (null) uses the Bengio et al. (2003) split: the first 800,000 tokens train, the
    /// next 200,000 validate, the rest test. A user's corpus puts its last <paramref name="testFraction"/> of tokens into
    /// test, the <paramref name="validationFraction"/> before them into validation, and the rest, from the start, into train;
    /// <paramref name="stop"/> interrupts the reading.
    /// </summary>
    public static CorpusSplit LoadSplit(string? path, double validationFraction, double testFraction, CancellationToken stop = default)
    {
        var tokens = Load(path, stop);
        if (path is null) return Split(tokens, BrownCorpus.BengioTrainTokens, BrownCorpus.BengioValidationTokens, "embedded corpus");
        int test = (int)Math.Round(tokens.Count * testFraction), validation = (int)Math.Round(tokens.Count * validationFraction);
        return Split(tokens, tokens.Count - validation - test, validation, path);
    }

    private static CorpusSplit Split(Corpus tokens, int train, int validation, string source)
    {
        int test = tokens.Count - train - validation;
        if (train < 2 || validation < 2 || test < 2)
            throw new LatentException($"{source}: {tokens.Count} tokens are too few to split into train, validation and test of at least 2 tokens each");
        return new CorpusSplit(tokens.Range(0, train), tokens.Range(train, validation), tokens.Range(train + validation, test));
    }
}
