using System.IO.Compression;
using System.Text;

namespace Latent.Data;

/// <summary>
/// Reads the Brown corpus in NLTK's tagged format (one sentence per line, tokens written "word/tag") from the
/// embedded gzip file, a single file, or a directory of files; plain untagged text is read as whitespace tokens.
/// </summary>
public sealed class BrownCorpus
{
    /// <summary>Training tokens in the Bengio et al. (2003) split.</summary>
    public const int BengioTrainTokens = 800_000;

    /// <summary>Validation tokens in the Bengio et al. (2003) split.</summary>
    public const int BengioValidationTokens = 200_000;

    private BrownCorpus(IReadOnlyList<IReadOnlyList<TaggedToken>> sentences) => Sentences = sentences;

    /// <summary>Sentences in corpus order, each a list of tagged tokens.</summary>
    public IReadOnlyList<IReadOnlyList<TaggedToken>> Sentences { get; }

    /// <summary>All words in corpus order.</summary>
    public IEnumerable<string> Words => Sentences.SelectMany(s => s.Select(t => t.Word));

    /// <summary>Loads the embedded corpus (data/brown-tagged.txt.gz).</summary>
    public static BrownCorpus LoadEmbedded() => Load(DataPaths.Brown());

    /// <summary>
    /// Loads a file (gzipped or not) or every file of a directory in name order; <paramref name="stop"/> is checked every 4096 lines
    /// (<see cref="Training.PhaseInterruptedException"/>).
    /// </summary>
    public static BrownCorpus Load(string path, CancellationToken stop = default)
    {
        var sentences = new List<IReadOnlyList<TaggedToken>>();
        foreach (var line in Lines(path, stop))
        {
            var sentence = ParseLine(line);
            if (sentence.Count > 0) sentences.Add(sentence);
        }
        if (sentences.Count == 0) throw new LatentException($"{path}: corpus holds no tokens");
        return new BrownCorpus(sentences);
    }

    /// <summary>
    /// The lines of a file (gzipped or not) or of every file of a directory in name order, as <see cref="Load"/> reads them;
    /// <paramref name="stop"/> is checked every 4096 lines (<see cref="Training.PhaseInterruptedException"/>).
    /// </summary>
    internal static IEnumerable<string> Lines(string path, CancellationToken stop)
    {
        IEnumerable<string> files;
        if (Directory.Exists(path)) files = Directory.GetFiles(path).Where(f => !Path.GetFileName(f).StartsWith('.')).Order(StringComparer.Ordinal);
        else if (File.Exists(path)) files = new[] { path };
        else throw new LatentException($"{path}: corpus file or directory not found");
        long lines = 0;
        foreach (var file in files)
        {
            foreach (var line in ReadLines(file))
            {
                if (lines++ % 4096 == 0) Training.PhaseInterruptedException.ThrowIf(stop, "reading the corpus");
                yield return line;
            }
        }
    }

    /// <summary>Parses one line of "word/tag" tokens; the tag is what follows the last '/', and a token without '/' gets an empty tag.</summary>
    public static IReadOnlyList<TaggedToken> ParseLine(string line)
    {
        var tokens = new List<TaggedToken>();
        foreach (var raw in line.Split((char[]?)null, StringSplitOptions.RemoveEmptyEntries))
        {
            int slash = raw.LastIndexOf('/');
            tokens.Add(slash > 0 ? new TaggedToken(raw[..slash], raw[(slash + 1)..]) : new TaggedToken(raw, ""));
        }
        return tokens;
    }

    /// <summary>
    /// The language-modelling split of Bengio et al. (2003): the first 800,000 tokens train, the next 200,000
    /// validate, the rest test. Words are lowercased when <paramref name="lowercase"/> is set.
    /// </summary>
    public CorpusSplit BengioSplit(bool lowercase = false)
    {
        var words = Words.Select(w => lowercase ? w.ToLowerInvariant() : w).ToList();
        if (words.Count <= BengioTrainTokens + BengioValidationTokens)
            throw new LatentException($"corpus has {words.Count} tokens; the Bengio split needs more than {BengioTrainTokens + BengioValidationTokens}");
        return new CorpusSplit(
            words.GetRange(0, BengioTrainTokens),
            words.GetRange(BengioTrainTokens, BengioValidationTokens),
            words.GetRange(BengioTrainTokens + BengioValidationTokens, words.Count - BengioTrainTokens - BengioValidationTokens));
    }

    private static IEnumerable<string> ReadLines(string file)
    {
        using var stream = File.OpenRead(file);
        var header = new byte[2];
        int read = stream.Read(header, 0, 2);
        stream.Position = 0;
        Stream content = read == 2 && header[0] == 0x1f && header[1] == 0x8b ? new GZipStream(stream, CompressionMode.Decompress) : stream;
        using var reader = new StreamReader(content, Encoding.UTF8);
        string? line;
        while (true)
        {
            try
            {
                line = reader.ReadLine();
            }
            catch (InvalidDataException e)
            {
                throw new LatentException($"{file}: corrupt gzip stream ({e.Message})", e);
            }
            if (line is null) yield break;
            yield return line;
        }
    }
}
