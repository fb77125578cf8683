using System.Collections;

namespace Latent.Text;

/// <summary>Word tokens read from a corpus, in order, together with where they came from (what a text model records as trained_on).</summary>
public sealed class Corpus : IReadOnlyList<string>
{
    private readonly IReadOnlyList<string> tokens;

    /// <summary>Wraps <paramref name="tokens"/> read from the files described by <paramref name="provenance"/>.</summary>
    public Corpus(IReadOnlyList<string> tokens, DataProvenance provenance)
    {
        this.tokens = tokens;
        Provenance = provenance;
    }

    /// <summary>The files the tokens were read from and their SHA-256.</summary>
    public DataProvenance Provenance { get; }

    /// <inheritdoc />
    public string this[int index] => tokens[index];

    /// <inheritdoc />
    public int Count => tokens.Count;

    /// <summary>Tokens [start, start + count) of this corpus, with the same provenance.</summary>
    public Corpus Range(int start, int count) => new(tokens is List<string> list ? list.GetRange(start, count) : tokens.Skip(start).Take(count).ToList(), Provenance);

    /// <summary>The provenance of <paramref name="tokens"/> when they came from a <see cref="Corpus"/> (else "tokens in memory"), for a model trained on <paramref name="count"/> of them.</summary>
    public static DataProvenance ProvenanceOf(IReadOnlyList<string> tokens, long count) =>
        (tokens is Corpus corpus ? corpus.Provenance : DataProvenance.InMemory("tokens in memory")).WithTokens(count);

    /// <inheritdoc />
    public IEnumerator<string> GetEnumerator() => tokens.GetEnumerator();

    IEnumerator IEnumerable.GetEnumerator() => GetEnumerator();
}
