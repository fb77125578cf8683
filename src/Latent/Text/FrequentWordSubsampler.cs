namespace Latent.Text;

/// <summary>
/// word2vec.c's frequent-word subsampling: an occurrence of a word with count c among N training words is kept with
/// probability (√(c / (s·N)) + 1) · s·N / c, capped at 1, where s is the sample threshold (1e-3 by default).
/// </summary>
public sealed class FrequentWordSubsampler
{
    private readonly float[] keepProbability;

    /// <summary>Precomputes the keep probability of every word; a threshold of 0 keeps everything.</summary>
    public FrequentWordSubsampler(IReadOnlyList<long> counts, double sample)
    {
        if (sample < 0 || double.IsNaN(sample)) throw new LatentException($"subsampling threshold must be ≥ 0, got {sample}");
        long total = counts.Sum();
        keepProbability = counts.Select(c => sample == 0 ? 1f : (float)KeepProbability(c, total, sample)).ToArray();
    }

    /// <summary>The keep probability of a word with <paramref name="count"/> occurrences among <paramref name="totalWords"/>; may exceed 1, meaning always kept.</summary>
    public static double KeepProbability(long count, long totalWords, double sample)
    {
        double threshold = sample * totalWords;
        return (Math.Sqrt(count / threshold) + 1) * threshold / count;
    }

    /// <summary>Decides whether this occurrence of <paramref name="word"/> is kept, drawing as word2vec.c does.</summary>
    public bool Keep(int word, ref LinearCongruentialRandom random)
    {
        float p = keepProbability[word];
        return p >= 1f || p >= random.NextUnit16();
    }
}
