namespace Latent.Text;

/// <summary>Skip-gram negative-sampling options, every default in one place; they are word2vec.c's and gensim's.</summary>
public sealed record Word2VecOptions
{
    /// <summary>The defaults.</summary>
    public static Word2VecOptions Default { get; } = new();

    /// <summary>Whether words are lowercased before counting and training (queries are lowercased too).</summary>
    public bool Lowercase { get; init; } = true;

    /// <summary>Vector size d.</summary>
    public int Dimensions { get; init; } = 100;

    /// <summary>Maximum context distance; each position draws a reduced window b ∈ [0, Window) and uses Window − b.</summary>
    public int Window { get; init; } = 5;

    /// <summary>Words seen fewer times are dropped from training.</summary>
    public int MinCount { get; init; } = 5;

    /// <summary>Negative samples per (input, output) pair.</summary>
    public int Negative { get; init; } = 5;

    /// <summary>Frequent-word subsampling threshold (0 disables subsampling).</summary>
    public double Sample { get; init; } = 1e-3;

    /// <summary>Starting learning rate; it decays linearly to <see cref="StartingAlpha"/> · 1e-4.</summary>
    public double StartingAlpha { get; init; } = 0.025;

    /// <summary>Passes over the corpus.</summary>
    public int Epochs { get; init; } = 5;

    /// <summary>Worker threads updating the shared vectors without locks (Hogwild).</summary>
    public int Threads { get; init; } = 2;

    /// <summary>Seed of the run: initial vectors and every thread's generator derive from it (the generators start at Seed + 1, as word2vec.c's starts at 1).</summary>
    public long Seed { get; init; }

    /// <summary>Training text is cut into sentences of at most this many kept words (word2vec.c's MAX_SENTENCE_LENGTH); windows never cross a cut.</summary>
    public int MaxSentenceLength { get; init; } = 1000;

    /// <summary>Throws <see cref="LatentException"/> naming the first invalid setting.</summary>
    public void Validate()
    {
        if (Dimensions < 1) throw new LatentException($"dimensions must be ≥ 1, got {Dimensions}");
        if (Window < 1) throw new LatentException($"window must be ≥ 1, got {Window}");
        if (MinCount < 1) throw new LatentException($"min count must be ≥ 1, got {MinCount}");
        if (Negative < 1) throw new LatentException($"negative samples must be ≥ 1, got {Negative}");
        if (!(StartingAlpha > 0)) throw new LatentException($"learning rate must be > 0, got {StartingAlpha}");
        if (Epochs < 1) throw new LatentException($"epochs must be ≥ 1, got {Epochs}");
        if (Threads < 1) throw new LatentException($"threads must be ≥ 1, got {Threads}");
        if (MaxSentenceLength < 1) throw new LatentException($"sentence length must be ≥ 1, got {MaxSentenceLength}");
    }
}
