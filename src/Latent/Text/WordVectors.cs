using System.Globalization;
using System.Text;

namespace Latent.Text;

/// <summary>A table of word vectors with cosine similarity, nearest neighbours, analogies and word2vec.c / gensim file formats.</summary>
public sealed class WordVectors
{
    private readonly string[] words;
    private readonly float[] data;
    private readonly Dictionary<string, int> index;
    private readonly Lazy<float[]> unitRows;

    /// <summary>Wraps <paramref name="data"/>, row-major with one row of <paramref name="dimensions"/> floats per word.</summary>
    public WordVectors(IReadOnlyList<string> words, int dimensions, float[] data)
    {
        if (dimensions < 1) throw new LatentException($"vector size must be ≥ 1, got {dimensions}");
        if (data.Length != words.Count * dimensions)
            throw new LatentException($"{words.Count} words of {dimensions} dimensions need {words.Count * dimensions} values, got {data.Length}");
        this.words = words.ToArray();
        this.data = data;
        Dimensions = dimensions;
        index = new Dictionary<string, int>(words.Count, StringComparer.Ordinal);
        for (int i = 0; i < words.Count; i++)
        {
            if (words[i].Length == 0 || words[i].Any(char.IsWhiteSpace)) throw new LatentException($"word {i} is empty or contains whitespace");
            if (!index.TryAdd(words[i], i)) throw new LatentException($"word '{words[i]}' appears twice");
        }
        unitRows = new Lazy<float[]>(Normalise);
    }

    /// <summary>Words by row.</summary>
    public IReadOnlyList<string> Words => words;

    /// <summary>Vector size.</summary>
    public int Dimensions { get; }

    /// <summary>Number of words.</summary>
    public int Count => words.Length;

    /// <summary>Whether <paramref name="word"/> has a vector.</summary>
    public bool Contains(string word) => index.ContainsKey(word);

    /// <summary>The vector of <paramref name="word"/>.</summary>
    public ReadOnlySpan<float> this[string word] => data.AsSpan(RowOf(word) * Dimensions, Dimensions);

    /// <summary>The vector in row <paramref name="row"/>.</summary>
    internal ReadOnlySpan<float> Row(int row) => data.AsSpan(row * Dimensions, Dimensions);

    /// <summary>The rows scaled to unit length (zero rows stay zero), row-major, computed once.</summary>
    internal float[] UnitRows => unitRows.Value;

    /// <summary>The row-major matrix of all vectors.</summary>
    public ReadOnlySpan<float> Matrix => data;

    /// <summary>cos(a, b) = a·b / (‖a‖ ‖b‖); 0 when either vector is zero.</summary>
    public double Cosine(string a, string b) => Cosine(this[a], this[b]);

    /// <summary>Cosine similarity of two vectors in double precision; 0 when either is zero.</summary>
    public static double Cosine(ReadOnlySpan<float> a, ReadOnlySpan<float> b)
    {
        if (a.Length != b.Length) throw new LatentException($"cosine of vectors of sizes {a.Length} and {b.Length}");
        double dot = 0, na = 0, nb = 0;
        for (int i = 0; i < a.Length; i++)
        {
            dot += (double)a[i] * b[i];
            na += (double)a[i] * a[i];
            nb += (double)b[i] * b[i];
        }
        return na == 0 || nb == 0 ? 0 : dot / Math.Sqrt(na * nb);
    }

    /// <summary>The <paramref name="k"/> words most cosine-similar to <paramref name="word"/>, the word itself excluded.</summary>
    public IReadOnlyList<(string Word, double Similarity)> MostSimilar(string word, int k) => Nearest(this[word], k, [RowOf(word)]);

    /// <summary>
    /// Solves a : b :: c : ? by 3CosAdd (Mikolov et al. 2013): the <paramref name="k"/> words nearest by cosine to
    /// unit(b) − unit(a) + unit(c), excluding a, b and c (as gensim's most_similar(positive=[b, c], negative=[a])).
    /// </summary>
    public IReadOnlyList<(string Word, double Similarity)> Analogy(string a, string b, string c, int k)
    {
        var unit = unitRows.Value;
        int ra = RowOf(a), rb = RowOf(b), rc = RowOf(c);
        var query = new float[Dimensions];
        for (int i = 0; i < Dimensions; i++) query[i] = unit[rb * Dimensions + i] - unit[ra * Dimensions + i] + unit[rc * Dimensions + i];
        return Nearest(query, k, [ra, rb, rc]);
    }

    /// <summary>The <paramref name="k"/> words most cosine-similar to <paramref name="vector"/>, skipping the rows in <paramref name="exclude"/>.</summary>
    public IReadOnlyList<(string Word, double Similarity)> Nearest(ReadOnlySpan<float> vector, int k, IReadOnlyCollection<int> exclude)
    {
        if (vector.Length != Dimensions) throw new LatentException($"query vector has {vector.Length} dimensions, the table {Dimensions}");
        if (k < 1) throw new LatentException($"k must be ≥ 1, got {k}");
        var unit = unitRows.Value;
        double norm = 0;
        foreach (var v in vector) norm += (double)v * v;
        norm = Math.Sqrt(norm);
        var best = new PriorityQueue<int, double>();
        for (int w = 0; w < Count; w++)
        {
            if (exclude.Contains(w)) continue;
            double dot = 0;
            for (int i = 0; i < Dimensions; i++) dot += (double)unit[w * Dimensions + i] * vector[i];
            double similarity = norm == 0 ? 0 : dot / norm;
            if (best.Count < k) best.Enqueue(w, similarity);
            else if (best.TryPeek(out _, out double worst) && similarity > worst) best.EnqueueDequeue(w, similarity);
        }
        var result = new List<(string, double)>(best.Count);
        while (best.TryDequeue(out int w, out double s)) result.Add((words[w], s));
        result.Reverse();
        return result;
    }

    /// <summary>Writes the vectors in word2vec.c's text or binary format (UTF-8 words, header "V D").</summary>
    public void Save(string path, WordVectorFormat format) => AtomicFile.WriteStream(path, stream => Write(stream, format));

    /// <summary>
    /// Writes the header and one row per word (text: each value as its shortest round-trip decimal, as "R" formats it; binary:
    /// "word " then little-endian float32 values and a newline, as word2vec.c). Blocks of rows are formatted in parallel, each into
    /// its own buffer, and written in order.
    /// </summary>
    private void Write(Stream stream, WordVectorFormat format)
    {
        stream.Write(Encoding.UTF8.GetBytes($"{Count} {Dimensions}\n"));
        const int BlockRows = 1024;
        int blocks = (Count + BlockRows - 1) / BlockRows;
        var formatted = new (byte[] Bytes, int Length)[blocks];
        Parallel.For(0, blocks, block => formatted[block] = FormatRows(block * BlockRows, Math.Min(Count, (block + 1) * BlockRows), format));
        foreach (var (bytes, length) in formatted) stream.Write(bytes, 0, length);
    }

    /// <summary>Rows [<paramref name="from"/>, <paramref name="to"/>) in <paramref name="format"/>, as UTF-8 bytes and their length.</summary>
    [System.Runtime.CompilerServices.MethodImpl(System.Runtime.CompilerServices.MethodImplOptions.AggressiveOptimization)]
    private (byte[] Bytes, int Length) FormatRows(int from, int to, WordVectorFormat format)
    {
        var text = new char[64];
        int needed = 0;
        for (int w = from; w < to; w++) needed += Encoding.UTF8.GetMaxByteCount(words[w].Length) + 2 + Dimensions * (format == WordVectorFormat.Text ? 16 : sizeof(float));
        var bytes = new byte[needed];
        int length = 0;
        for (int w = from; w < to; w++)
        {
            var row = data.AsSpan(w * Dimensions, Dimensions);
            length += Encoding.UTF8.GetBytes(words[w], bytes.AsSpan(length));
            bytes[length++] = (byte)' ';
            if (format == WordVectorFormat.Text)
            {
                for (int i = 0; i < row.Length; i++)
                {
                    if (i > 0) bytes[length++] = (byte)' ';
                    row[i].TryFormat(text, out int written, "R", CultureInfo.InvariantCulture);
                    for (int c = 0; c < written; c++) bytes[length++] = (byte)text[c];
                }
            }
            else
            {
                for (int i = 0; i < row.Length; i++, length += sizeof(float)) System.Buffers.Binary.BinaryPrimitives.WriteSingleLittleEndian(bytes.AsSpan(length), row[i]);
            }
            bytes[length++] = (byte)'\n';
        }
        return (bytes, length);
    }

    /// <summary>
    /// Reads the vectors at <paramref name="path"/>: a folder written by <see cref="Word2Vec.Save"/> (its vectors.bin, after checking
    /// that the folder holds a word2vec model), a binary vector file (extension .bin), or a text vector file (any other extension).
    /// </summary>
    public static WordVectors Read(string path)
    {
        if (!Directory.Exists(path))
            return Load(path, Path.GetExtension(path).Equals(".bin", StringComparison.OrdinalIgnoreCase) ? WordVectorFormat.Binary : WordVectorFormat.Text);
        var config = ModelFolder.ReadConfig(path, Word2Vec.Kind, Word2Vec.FormatVersion);
        var file = Path.Combine(path, Word2Vec.BinaryVectorsFile);
        var vectors = Load(file, WordVectorFormat.Binary);
        int dimensions = config.Architectural<int>("dimensions");
        if (vectors.Dimensions != dimensions)
            throw new LatentException($"{file}: line 1 says {vectors.Dimensions} dimensions, the model's config.json {dimensions}");
        return vectors;
    }

    /// <summary>The vectors of <paramref name="wordList"/> as rows of a [count, D] row-major matrix; a word without a vector gets a zero row.</summary>
    public float[] RowsFor(IReadOnlyList<string> wordList)
    {
        var rows = new float[(long)wordList.Count * Dimensions];
        for (int w = 0; w < wordList.Count; w++)
            if (Contains(wordList[w])) this[wordList[w]].CopyTo(rows.AsSpan(w * Dimensions, Dimensions));
        return rows;
    }

    /// <summary>Reads a word2vec.c / gensim vector file in the given format.</summary>
    public static WordVectors Load(string path, WordVectorFormat format)
    {
        if (!File.Exists(path)) throw new LatentException($"{path}: vector file not found");
        using var stream = new BufferedStream(File.OpenRead(path));
        var headerParts = ReadToken(stream, path, '\n').Split(' ', StringSplitOptions.RemoveEmptyEntries);
        if (headerParts.Length != 2
            || !int.TryParse(headerParts[0], NumberStyles.None, CultureInfo.InvariantCulture, out int count)
            || !int.TryParse(headerParts[1], NumberStyles.None, CultureInfo.InvariantCulture, out int dimensions)
            || dimensions < 1)
            throw new LatentException($"{path}: header must be 'V D' (word count, vector size)");
        int bytesPerValue = format == WordVectorFormat.Binary ? sizeof(float) : 2;
        if ((long)count * dimensions > stream.Length / bytesPerValue)
            throw new LatentException($"{path}: header promises {count} words of {dimensions} values, more than the {stream.Length}-byte file holds");
        var words = new string[count];
        var data = new float[(long)count * dimensions];
        var buffer = new byte[dimensions * sizeof(float)];
        for (int w = 0; w < count; w++)
        {
            if (format == WordVectorFormat.Text)
            {
                var parts = ReadToken(stream, path, '\n').Split(' ', StringSplitOptions.RemoveEmptyEntries);
                if (parts.Length != dimensions + 1) throw new LatentException($"{path}: line {w + 2} has {parts.Length - 1} values, line 1 says {dimensions} (a file of another dimension?)");
                words[w] = parts[0];
                for (int i = 0; i < dimensions; i++)
                {
                    if (!float.TryParse(parts[i + 1], NumberStyles.Float, CultureInfo.InvariantCulture, out data[(long)w * dimensions + i])
                        || !float.IsFinite(data[(long)w * dimensions + i]))
                        throw new LatentException($"{path}: line {w + 2} value {i + 1} '{parts[i + 1]}' is not a finite number");
                }
            }
            else
            {
                words[w] = ReadToken(stream, path, ' ');
                if (words[w].Any(char.IsControl))
                    throw new LatentException($"{path}: word {w + 1} of {count} is not text: the vectors are not {dimensions} float32 values each, as line 1 says (a file of another dimension?)");
                if (stream.ReadAtLeast(buffer, buffer.Length, throwOnEndOfStream: false) != buffer.Length)
                    throw new LatentException($"{path}: file ends inside the vector of word {w + 1} of {count}");
                for (int i = 0; i < dimensions; i++)
                {
                    var value = System.Buffers.Binary.BinaryPrimitives.ReadSingleLittleEndian(buffer.AsSpan(i * sizeof(float)));
                    if (!float.IsFinite(value)) throw new LatentException($"{path}: value {i + 1} of word {w + 1} ('{words[w]}') is not a finite number");
                    data[(long)w * dimensions + i] = value;
                }
            }
        }
        if (format == WordVectorFormat.Binary && stream.Position < stream.Length && (stream.Length - stream.Position > 1 || stream.ReadByte() != '\n'))
            throw new LatentException($"{path}: {stream.Length - stream.Position} bytes follow the {count} words of {dimensions} values that line 1 announces (a file of another dimension?)");
        return LatentException.Naming(path, () => new WordVectors(words, dimensions, data));
    }

    private int RowOf(string word) => index.TryGetValue(word, out int i) ? i : throw new LatentException($"'{word}' is not in the vocabulary");

    private float[] Normalise()
    {
        var unit = new float[data.Length];
        for (int w = 0; w < Count; w++)
        {
            double norm = 0;
            for (int i = 0; i < Dimensions; i++) norm += (double)data[w * Dimensions + i] * data[w * Dimensions + i];
            float scale = norm == 0 ? 0f : (float)(1 / Math.Sqrt(norm));
            for (int i = 0; i < Dimensions; i++) unit[w * Dimensions + i] = data[w * Dimensions + i] * scale;
        }
        return unit;
    }

    /// <summary>Reads UTF-8 bytes up to <paramref name="terminator"/>, skipping leading newlines (word2vec.c ends binary vectors with one, gensim does not).</summary>
    private static string ReadToken(Stream stream, string path, char terminator)
    {
        var bytes = new List<byte>();
        while (true)
        {
            int b = stream.ReadByte();
            if (b < 0)
            {
                if (terminator == '\n' && bytes.Count > 0) break;
                throw new LatentException($"{path}: file ends early (truncated or corrupt)");
            }
            if (b == terminator) break;
            if (b == '\n' && bytes.Count == 0) continue;
            bytes.Add((byte)b);
            if (bytes.Count > 100_000) throw new LatentException($"{path}: a word or line is longer than 100,000 bytes (wrong format?)");
        }
        return Encoding.UTF8.GetString(bytes.ToArray()).TrimEnd('\r');
    }
}
