namespace Latent.Text;

/// <summary>
/// Draws negative samples from the unigram distribution raised to the power 0.75 (Mikolov et al. 2013, word2vec.c),
/// with Walker's alias method: the exact distribution in O(1) per draw from two vocabulary-sized arrays that stay in cache
/// (word2vec.c approximates the same distribution with a 10^8-entry lookup table).
/// </summary>
public sealed class UnigramTable
{
    /// <summary>The exponent word2vec.c applies to word counts.</summary>
    public const double Power = 0.75;

    private readonly float[] acceptance;
    private readonly int[] alias;

    /// <summary>Builds the table for words with the given counts.</summary>
    public UnigramTable(IReadOnlyList<long> counts)
    {
        int n = counts.Count;
        if (n == 0) throw new LatentException("cannot build a negative-sampling table for an empty vocabulary");
        var weights = new double[n];
        double total = 0;
        for (int i = 0; i < n; i++)
        {
            if (counts[i] <= 0) throw new LatentException($"word {i} has count {counts[i]}; negative sampling needs positive counts");
            weights[i] = Math.Pow(counts[i], Power);
            total += weights[i];
        }
        Probabilities = weights.Select(w => w / total).ToArray();
        acceptance = new float[n];
        alias = new int[n];
        var scaled = Probabilities.Select(p => p * n).ToArray();
        var small = new Stack<int>();
        var large = new Stack<int>();
        for (int i = 0; i < n; i++) (scaled[i] < 1 ? small : large).Push(i);
        while (small.Count > 0 && large.Count > 0)
        {
            int s = small.Pop(), l = large.Peek();
            acceptance[s] = (float)scaled[s];
            alias[s] = l;
            scaled[l] -= 1 - scaled[s];
            if (scaled[l] < 1) small.Push(large.Pop());
        }
        foreach (var i in small.Concat(large))
        {
            acceptance[i] = 1f;
            alias[i] = i;
        }
    }

    /// <summary>The probability of drawing each word: count^0.75 normalised.</summary>
    public IReadOnlyList<double> Probabilities { get; }

    /// <summary>Draws one word index.</summary>
    public int Sample(ref LinearCongruentialRandom random)
    {
        int column = random.NextInt(acceptance.Length);
        return random.NextUnit16() < acceptance[column] ? column : alias[column];
    }
}
