namespace Latent.Text;

/// <summary>
/// The binary Huffman tree over a vocabulary that hierarchical softmax walks (Morin and Bengio 2005; Mikolov et al. 2013), built
/// exactly as word2vec.c's CreateBinaryTree: counts sorted most frequent first, the two least frequent nodes merged repeatedly (on a
/// tie the pending inner node before the next leaf), the second of each pair taking branch 1. A word's <see cref="Codes"/> are the
/// branches from the root down to its leaf, its <see cref="Points"/> the inner nodes passed on the way (root first, numbered 0…V−2
/// with the root V−2): the rows of the inner-node matrix (word2vec.c's syn1) the word's prediction uses.
/// </summary>
public sealed class HuffmanTree
{
    private readonly int[] start;
    private readonly byte[] codes;
    private readonly int[] points;

    /// <summary>Builds the tree for words with <paramref name="counts"/>, which must be in non-increasing order (as <see cref="Vocabulary"/> keeps them).</summary>
    public HuffmanTree(IReadOnlyList<long> counts)
    {
        int v = counts.Count;
        if (v == 0) throw new LatentException("cannot build a Huffman tree for an empty vocabulary");
        for (int i = 1; i < v; i++)
            if (counts[i] > counts[i - 1]) throw new LatentException($"Huffman tree needs counts sorted most frequent first; word {i} has {counts[i]} after {counts[i - 1]}");
        var count = new long[2 * v];
        var binary = new byte[2 * v];
        var parent = new int[2 * v];
        for (int i = 0; i < v; i++) count[i] = counts[i];
        for (int i = v; i < 2 * v; i++) count[i] = long.MaxValue;
        int pos1 = v - 1, pos2 = v;
        for (int a = 0; a < v - 1; a++)
        {
            int min1 = pos1 >= 0 && count[pos1] < count[pos2] ? pos1-- : pos2++;
            int min2 = pos1 >= 0 && count[pos1] < count[pos2] ? pos1-- : pos2++;
            count[v + a] = count[min1] + count[min2];
            parent[min1] = parent[min2] = v + a;
            binary[min2] = 1;
        }
        start = new int[v + 1];
        var codeList = new List<byte>();
        var pointList = new List<int>();
        int root = 2 * v - 2;
        var pathCodes = new List<byte>();
        var pathPoints = new List<int>();
        for (int w = 0; w < v; w++)
        {
            pathCodes.Clear();
            pathPoints.Clear();
            for (int node = w; node != root; node = parent[node])
            {
                pathCodes.Add(binary[node]);
                pathPoints.Add(parent[node] - v);
            }
            pathCodes.Reverse();
            pathPoints.Reverse();
            codeList.AddRange(pathCodes);
            pointList.AddRange(pathPoints);
            start[w + 1] = codeList.Count;
        }
        codes = [.. codeList];
        points = [.. pointList];
        Words = v;
    }

    /// <summary>Number of leaves (words); the tree has one inner node fewer.</summary>
    public int Words { get; }

    /// <summary>Number of inner nodes, V − 1: the rows of the hierarchical-softmax output matrix.</summary>
    public int InnerNodes => Words - 1;

    /// <summary>The branches (0 or 1) from the root to <paramref name="word"/>'s leaf.</summary>
    public ReadOnlySpan<byte> Codes(int word) => codes.AsSpan(start[word], start[word + 1] - start[word]);

    /// <summary>The inner nodes from the root to <paramref name="word"/>'s leaf, one per code.</summary>
    public ReadOnlySpan<int> Points(int word) => points.AsSpan(start[word], start[word + 1] - start[word]);
}
