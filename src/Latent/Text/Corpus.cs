using System.Collections;

namespace Latent.Text;

/// <summary>
/// Word tokens read from a corpus, in order, together with where they came from (what a text model records as trained_on). Each
/// distinct token is held once (<see cref="Types"/>) and every position by its index into them (<see cref="TypeIds"/>), so a corpus
/// of a million tokens holds tens of thousands of strings, and a model can count and encode it without hashing every token again.
/// </summary>
public sealed class Corpus : IReadOnlyList<string>
{
    private readonly string[] types;
    private readonly int[] ids;
    private readonly int start;

    /// <summary>Wraps <paramref name="tokens"/> read from the files described by <paramref name="provenance"/>.</summary>
    public Corpus(IReadOnlyList<string> tokens, DataProvenance provenance)
    {
        var index = new Dictionary<string, int>(StringComparer.Ordinal);
        var typeList = new List<string>();
        ids = new int[tokens.Count];
        for (int i = 0; i < ids.Length; i++)
        {
            var token = tokens[i];
            if (!index.TryGetValue(token, out int id))
            {
                index.Add(token, id = typeList.Count);
                typeList.Add(token);
            }
            ids[i] = id;
        }
        types = [.. typeList];
        Count = ids.Length;
        Provenance = provenance;
    }

    /// <summary>Positions [<paramref name="start"/>, <paramref name="start"/> + <paramref name="count"/>) of <paramref name="ids"/>, each an index into <paramref name="types"/>.</summary>
    internal Corpus(string[] types, int[] ids, int start, int count, DataProvenance provenance)
    {
        this.types = types;
        this.ids = ids;
        this.start = start;
        Count = count;
        Provenance = provenance;
    }

    /// <summary>The files the tokens were read from and their SHA-256.</summary>
    public DataProvenance Provenance { get; }

    /// <summary>The distinct tokens that <see cref="TypeIds"/> index (a range of a corpus shares its whole corpus's types).</summary>
    public IReadOnlyList<string> Types => types;

    /// <summary>Each position's index into <see cref="Types"/>.</summary>
    public ReadOnlySpan<int> TypeIds => ids.AsSpan(start, Count);

    /// <inheritdoc />
    public string this[int index] => (uint)index < (uint)Count ? types[ids[start + index]] : throw new ArgumentOutOfRangeException(nameof(index));

    /// <inheritdoc />
    public int Count { get; }

    /// <summary>Tokens [start, start + count) of this corpus, with the same provenance.</summary>
    public Corpus Range(int start, int count)
    {
        ArgumentOutOfRangeException.ThrowIfNegative(start);
        ArgumentOutOfRangeException.ThrowIfNegative(count);
        ArgumentOutOfRangeException.ThrowIfGreaterThan(start + count, Count);
        return new(types, ids, this.start + start, count, Provenance);
    }

    /// <summary><paramref name="tokens"/> itself when it is a corpus, else its tokens as a corpus of "tokens in memory".</summary>
    public static Corpus Of(IReadOnlyList<string> tokens) => tokens as Corpus ?? new Corpus(tokens, DataProvenance.InMemory("tokens in memory"));

    /// <summary>The provenance of <paramref name="tokens"/> when they came from a <see cref="Corpus"/> (else "tokens in memory"), for a model trained on <paramref name="count"/> of them.</summary>
    public static DataProvenance ProvenanceOf(IReadOnlyList<string> tokens, long count) =>
        (tokens is Corpus corpus ? corpus.Provenance : DataProvenance.InMemory("tokens in memory")).WithTokens(count);

    /// <inheritdoc />
    public IEnumerator<string> GetEnumerator()
    {
        for (int i = 0; i < Count; i++) yield return types[ids[start + i]];
    }

    IEnumerator IEnumerable.GetEnumerator() => GetEnumerator();
}
