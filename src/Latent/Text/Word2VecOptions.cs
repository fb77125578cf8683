namespace Latent.Text;

/// <summary>How the hidden vector is formed from a window (word2vec.c's -cbow, gensim's sg).</summary>
public enum Word2VecArchitecture
{
    /// <summary>Each context word's vector on its own predicts the centre word.</summary>
    SkipGram,

    /// <summary>The mean (or sum) of the context words' vectors predicts the centre word.</summary>
    Cbow,
}

/// <summary>How the centre word's probability is approximated (word2vec.c's -hs and -negative, gensim's hs and negative).</summary>
public enum Word2VecLoss
{
    /// <summary>The target word against noise words drawn from unigram^0.75.</summary>
    NegativeSampling,

    /// <summary>Binary decisions along the target word's path in a Huffman tree over the vocabulary.</summary>
    HierarchicalSoftmax,
}

/// <summary>word2vec options, every default in one place; they are word2vec.c's and gensim's, except skip-gram as the default model.</summary>
public sealed record Word2VecOptions
{
    /// <summary>The defaults.</summary>
    public static Word2VecOptions Default { get; } = new();

    /// <summary>The models by name, as options, the CLI and config.json spell them.</summary>
    public static Registry<Word2VecArchitecture> Models { get; } = new Registry<Word2VecArchitecture>("word2vec model")
        .Add("skipgram", "each context word predicts the centre word", Word2VecArchitecture.SkipGram)
        .Add("cbow", "the mean of the context words predicts the centre word", Word2VecArchitecture.Cbow);

    /// <summary>The output losses by name, as options, the CLI and config.json spell them.</summary>
    public static Registry<Word2VecLoss> Losses { get; } = new Registry<Word2VecLoss>("word2vec loss")
        .Add("negative", "negative sampling against --negative noise words", Word2VecLoss.NegativeSampling)
        .Add("hierarchical", "hierarchical softmax along the word's Huffman path", Word2VecLoss.HierarchicalSoftmax);

    /// <summary>The learning rate word2vec.c starts skip-gram with.</summary>
    public const double SkipGramAlpha = 0.025;

    /// <summary>The learning rate word2vec.c starts CBOW with.</summary>
    public const double CbowAlpha = 0.05;

    /// <summary>The model, a name in <see cref="Models"/>.</summary>
    public string Model { get; init; } = "skipgram";

    /// <summary>The output loss, a name in <see cref="Losses"/>.</summary>
    public string Loss { get; init; } = "negative";

    /// <summary>CBOW averages the context vectors when set, sums them otherwise (gensim's cbow_mean).</summary>
    public bool CbowMean { get; init; } = true;

    /// <summary>The architecture <see cref="Model"/> names.</summary>
    [JsonIgnore]
    public Word2VecArchitecture Architecture => Models[Model];

    /// <summary>The output loss <see cref="Loss"/> names.</summary>
    [JsonIgnore]
    public Word2VecLoss OutputLoss => Losses[Loss];

    /// <summary>Whether words are lowercased before counting and training (queries are lowercased too).</summary>
    public bool Lowercase { get; init; } = true;

    /// <summary>Vector size d.</summary>
    public int Dimensions { get; init; } = 100;

    /// <summary>Maximum context distance; each position draws a reduced window b ∈ [0, Window) and uses Window − b.</summary>
    public int Window { get; init; } = 5;

    /// <summary>Words seen fewer times are dropped from training.</summary>
    public int MinCount { get; init; } = 5;

    /// <summary>Keep at most this many words, the most frequent (null: no limit).</summary>
    public int? MaxVocab { get; init; }

    /// <summary>Negative samples per prediction (negative sampling only).</summary>
    public int Negative { get; init; } = 5;

    /// <summary>Frequent-word subsampling threshold (0 disables subsampling).</summary>
    public double Sample { get; init; } = 1e-3;

    /// <summary>Starting learning rate (null: <see cref="CbowAlpha"/> for CBOW, <see cref="SkipGramAlpha"/> for skip-gram); it decays linearly to 1e-4 of it.</summary>
    public double? StartingAlpha { get; init; }

    /// <summary>The starting learning rate in effect: <see cref="StartingAlpha"/>, or the model's default.</summary>
    [JsonIgnore]
    public double Alpha => StartingAlpha ?? (Architecture == Word2VecArchitecture.Cbow ? CbowAlpha : SkipGramAlpha);

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
        Models.Require(Model);
        Losses.Require(Loss);
        if (Dimensions < 1) throw new LatentException($"dimensions must be ≥ 1, got {Dimensions}");
        if (Window < 1) throw new LatentException($"window must be ≥ 1, got {Window}");
        if (MinCount < 1) throw new LatentException($"min count must be ≥ 1, got {MinCount}");
        if (Negative < 1) throw new LatentException($"negative samples must be ≥ 1, got {Negative}");
        if (MaxVocab is < 1) throw new LatentException($"maximum vocabulary must be ≥ 1, got {MaxVocab}");
        if (StartingAlpha is { } alpha && !(alpha > 0 && double.IsFinite(alpha))) throw new LatentException($"learning rate must be > 0, got {alpha}");
        if (Epochs < 1) throw new LatentException($"epochs must be ≥ 1, got {Epochs}");
        if (Threads < 1) throw new LatentException($"threads must be ≥ 1, got {Threads}");
        if (MaxSentenceLength < 1) throw new LatentException($"sentence length must be ≥ 1, got {MaxSentenceLength}");
    }
}
