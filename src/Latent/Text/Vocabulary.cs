using System.Globalization;
using System.Text;

namespace Latent.Text;

/// <summary>
/// Words and their training counts, most frequent first. Words seen fewer than the minimum count are dropped, or,
/// when the vocabulary has an unknown token, merged into <c>&lt;unk&gt;</c> at index 0.
/// </summary>
public sealed class Vocabulary
{
    /// <summary>The token that stands for every word below the minimum count.</summary>
    public const string UnknownToken = "<unk>";

    private readonly Dictionary<string, int> index;
    private readonly string[] words;
    private readonly long[] counts;

    private Vocabulary(string[] words, long[] counts, bool hasUnknown)
    {
        this.words = words;
        this.counts = counts;
        HasUnknown = hasUnknown;
        index = new Dictionary<string, int>(words.Length, StringComparer.Ordinal);
        for (int i = 0; i < words.Length; i++)
        {
            if (!index.TryAdd(words[i], i)) throw new LatentException($"vocabulary lists '{words[i]}' twice");
        }
    }

    /// <summary>Words by index.</summary>
    public IReadOnlyList<string> Words => words;

    /// <summary>Training counts by index (the unknown token's count is the sum of the words it replaced).</summary>
    public IReadOnlyList<long> Counts => counts;

    /// <summary>Number of words, the unknown token included.</summary>
    public int Count => words.Length;

    /// <summary>Whether rare and unseen words map to <see cref="UnknownToken"/> at index 0.</summary>
    public bool HasUnknown { get; }

    /// <summary>The sum of all counts: the number of training tokens the vocabulary covers.</summary>
    public long TotalCount => counts.Sum();

    /// <summary>
    /// Counts <paramref name="tokens"/> and keeps words seen at least <paramref name="minCount"/> times, most frequent first (ties in
    /// ordinal order), at most <paramref name="maxWords"/> of them when given (the unknown token not counted); <paramref name="stop"/> is
    /// checked every 65,536 tokens (<see cref="Training.PhaseInterruptedException"/>).
    /// </summary>
    public static Vocabulary Build(IEnumerable<string> tokens, int minCount, bool withUnknown, int? maxWords = null, CancellationToken stop = default)
    {
        if (maxWords is < 1) throw new LatentException($"maximum vocabulary must be ≥ 1, got {maxWords}");
        if (minCount < 1) throw new LatentException($"minimum count must be ≥ 1, got {minCount}");
        var frequency = new Dictionary<string, long>(StringComparer.Ordinal);
        long seen = 0;
        foreach (var token in tokens)
        {
            if (seen++ % 65536 == 0) Training.PhaseInterruptedException.ThrowIf(stop, "building the vocabulary");
            frequency.TryGetValue(token, out long c);
            frequency[token] = c + 1;
        }
        return FromCounts(frequency, minCount, withUnknown, maxWords);
    }

    /// <summary>
    /// The vocabulary <see cref="Build"/> makes of tokens whose counts are <paramref name="frequency"/> (each word once): words seen at
    /// least <paramref name="minCount"/> times, most frequent first (ties in ordinal order), at most <paramref name="maxWords"/> of them.
    /// </summary>
    public static Vocabulary FromCounts(IReadOnlyDictionary<string, long> frequency, int minCount, bool withUnknown, int? maxWords = null)
    {
        if (maxWords is < 1) throw new LatentException($"maximum vocabulary must be ≥ 1, got {maxWords}");
        if (minCount < 1) throw new LatentException($"minimum count must be ≥ 1, got {minCount}");
        if (withUnknown && frequency.ContainsKey(UnknownToken))
            throw new LatentException($"the corpus already contains the token {UnknownToken}");
        var kept = new List<KeyValuePair<string, long>>();
        foreach (var pair in frequency)
            if (pair.Value >= minCount) kept.Add(pair);
        kept.Sort((a, b) => a.Value != b.Value ? b.Value.CompareTo(a.Value) : string.CompareOrdinal(a.Key, b.Key));
        if (kept.Count > maxWords) kept.RemoveRange(maxWords.Value, kept.Count - maxWords.Value);
        if (kept.Count == 0) throw new LatentException($"no word occurs at least {minCount} times");
        var words = kept.Select(p => p.Key);
        var counts = kept.Select(p => p.Value);
        if (withUnknown)
        {
            words = words.Prepend(UnknownToken);
            counts = counts.Prepend(frequency.Values.Sum() - kept.Sum(p => p.Value));
        }
        return new Vocabulary(words.ToArray(), counts.ToArray(), withUnknown);
    }

    /// <summary>The index of <paramref name="word"/>, or the unknown token's index, or −1 when the word is absent and there is no unknown token.</summary>
    public int IndexOf(string word) => index.TryGetValue(word, out int i) ? i : HasUnknown ? 0 : -1;

    /// <summary>Whether <paramref name="word"/> has its own entry.</summary>
    public bool Contains(string word) => index.ContainsKey(word);

    /// <summary>Maps tokens to indices; absent words become the unknown token, or are dropped when there is none (as word2vec.c does).</summary>
    public int[] Encode(IEnumerable<string> tokens)
    {
        var encoded = new List<int>();
        foreach (var token in tokens)
        {
            int i = IndexOf(token);
            if (i >= 0) encoded.Add(i);
        }
        return encoded.ToArray();
    }

    /// <summary>Writes one "word count" line per word, in index order (the format word2vec.c's -save-vocab writes).</summary>
    public void Save(string path)
    {
        var text = new StringBuilder();
        for (int i = 0; i < words.Length; i++) text.Append(words[i]).Append(' ').Append(counts[i].ToString(CultureInfo.InvariantCulture)).Append('\n');
        AtomicFile.WriteText(path, text.ToString());
    }

    /// <summary>Reads a file written by <see cref="Save"/>; a first word <c>&lt;unk&gt;</c> marks a vocabulary with an unknown token.</summary>
    public static Vocabulary Load(string path)
    {
        if (!File.Exists(path)) throw new LatentException($"{path}: vocabulary file not found");
        var words = new List<string>();
        var counts = new List<long>();
        int lineNumber = 0;
        foreach (var line in File.ReadLines(path, Encoding.UTF8))
        {
            lineNumber++;
            if (line.Length == 0) continue;
            var parts = line.Split(' ');
            if (parts.Length != 2 || parts[0].Length == 0 || !long.TryParse(parts[1], NumberStyles.None, CultureInfo.InvariantCulture, out long count))
                throw new LatentException($"{path}:{lineNumber}: expected 'word count'");
            words.Add(parts[0]);
            counts.Add(count);
        }
        if (words.Count == 0) throw new LatentException($"{path}: vocabulary file is empty");
        return LatentException.Naming(path, () => new Vocabulary(words.ToArray(), counts.ToArray(), words[0] == UnknownToken));
    }
}
