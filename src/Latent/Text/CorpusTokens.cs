using System.Runtime.CompilerServices;

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
        var file = path ?? DataPaths.Brown();
        var raw = new Interner();
        var positions = new List<int>();
        try
        {
            foreach (var line in BrownCorpus.Lines(file, stop)) raw.AddTokens(line, positions);
        }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException)
        {
            throw new LatentException($"{path}: cannot read the corpus ({e.Message.ReplaceLineEndings(" ")})", e);
        }
        if (positions.Count == 0) throw new LatentException($"{file}: corpus holds no tokens");
        // As BrownCorpus.ParseLine reads a token: the word is what comes before its last '/' (after the first character), the tag what follows.
        var slashes = raw.Types.Select(t => t.LastIndexOf('/')).ToArray();
        var words = raw.Types.Select((t, i) => slashes[i] > 0 ? t[..slashes[i]] : t).ToArray();
        var occurrences = new long[words.Length];
        foreach (int id in positions) occurrences[id]++;
        long taggedTokens = Enumerable.Range(0, words.Length).Where(t => slashes[t] > 0 && slashes[t] < raw.Types[t].Length - 1).Sum(t => occurrences[t]);
        var interned = new Interner();
        bool tagged = taggedTokens * 2 > positions.Count;
        // Each raw token's word tokens, by the index of the raw token: its word when the corpus is tagged, else the tokenizer's split of the
        // whole raw token (so that plain text's "and/or" stays "and", "/", "or").
        var split = raw.Types.Select((t, i) => tagged ? [interned.Id(words[i])] : Tokenizer.Tokenize(t, lowercase: false).Select(w => interned.Id(w)).ToArray()).ToArray();
        var ids = new int[positions.Sum(id => split[id].Length)];
        int n = 0;
        foreach (int id in positions)
            foreach (int token in split[id]) ids[n++] = token;
        if (ids.Length == 0) throw new LatentException($"{path ?? "embedded corpus"}: no word tokens");
        return new Corpus([.. interned.Types], ids, 0, ids.Length, DataProvenance.FromPaths(path ?? "embedded Brown corpus", [file]));
    }

    /// <summary>Numbers distinct strings in order of first appearance, looking spans up without allocating a string for one already seen.</summary>
    private sealed class Interner
    {
        private readonly Dictionary<string, int>.AlternateLookup<ReadOnlySpan<char>> index = new Dictionary<string, int>(StringComparer.Ordinal).GetAlternateLookup<ReadOnlySpan<char>>();

        /// <summary>The strings in order of their numbers.</summary>
        public List<string> Types { get; } = [];

        /// <summary>Appends the numbers of <paramref name="line"/>'s whitespace-separated tokens to <paramref name="ids"/>.</summary>
        [MethodImpl(MethodImplOptions.AggressiveOptimization)]
        public void AddTokens(ReadOnlySpan<char> line, List<int> ids)
        {
            for (int at = 0; at < line.Length;)
            {
                while (at < line.Length && char.IsWhiteSpace(line[at])) at++;
                int begin = at;
                while (at < line.Length && !char.IsWhiteSpace(line[at])) at++;
                if (at > begin) ids.Add(Id(line[begin..at]));
            }
        }

        /// <summary>The number of <paramref name="token"/>, a new one when it is first seen.</summary>
        [MethodImpl(MethodImplOptions.AggressiveOptimization)]
        public int Id(ReadOnlySpan<char> token)
        {
            if (index.TryGetValue(token, out int id)) return id;
            var text = token.ToString();
            index.Dictionary.Add(text, id = Types.Count);
            Types.Add(text);
            return id;
        }
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
