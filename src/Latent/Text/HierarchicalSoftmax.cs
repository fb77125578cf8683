namespace Latent.Text;

/// <summary>
/// Hierarchical softmax (Morin and Bengio 2005; Mikolov et al. 2013): p(w | h) = Πₙ σ(sₙ · h·uₙ) over the inner nodes n on w's
/// Huffman path, with sₙ = +1 for branch 0 and −1 for branch 1 (word2vec.c's label 1 − code), uₙ the node's row of syn1.
/// The probabilities of all words sum to 1 for any h.
/// </summary>
public static class HierarchicalSoftmax
{
    /// <summary>Path lengths whose dot products fit the step's stack buffer (longer paths take a heap array).</summary>
    private const int MaxStackPath = 64;

    /// <summary>
    /// The output half of one step as word2vec.c takes it: per node on <paramref name="word"/>'s path, f = h·uₙ, skipped when
    /// |f| ≥ 6; otherwise g = (1 − code − σ(f))·rate, g·uₙ added to <paramref name="hiddenGradient"/>, then uₙ += g·h.
    /// The path's nodes are distinct, so all the dot products are taken first and their rows fetched from memory together.
    /// </summary>
    public static void Accumulate(float[] hidden, int hiddenOffset, OutputRows nodes, HuffmanTree tree, int word, int stride, float rate, float[] hiddenGradient)
    {
        var codes = tree.Codes(word);
        var points = tree.Points(word);
        Span<float> dots = codes.Length <= MaxStackPath ? stackalloc float[MaxStackPath] : new float[codes.Length];
        for (int d = 0; d < codes.Length; d++) dots[d] = VectorMath.Dot(hidden, hiddenOffset, nodes.Row(points[d], out int offset), offset, stride);
        for (int d = 0; d < codes.Length; d++)
        {
            float f = dots[d];
            if (f <= -NegativeSampling.MaxExp || f >= NegativeSampling.MaxExp) continue;
            float g = (1 - codes[d] - NegativeSampling.TableSigmoid(f)) * rate;
            var rows = nodes.Row(points[d], out int row);
            VectorMath.AccumulateAndUpdate(g, hidden, hiddenOffset, rows, row, hiddenGradient, stride);
        }
    }

    /// <summary>−log p(<paramref name="word"/> | h) in double precision with an exact log σ.</summary>
    public static double Loss(float[] hidden, int hiddenOffset, float[] nodes, HuffmanTree tree, int word, int stride)
    {
        var codes = tree.Codes(word);
        var points = tree.Points(word);
        double loss = 0;
        for (int d = 0; d < codes.Length; d++)
        {
            double f = VectorMath.DotDouble(hidden, hiddenOffset, nodes, points[d] * stride, stride);
            loss -= NegativeSampling.LogSigmoid(codes[d] == 0 ? f : -f);
        }
        return loss;
    }
}
