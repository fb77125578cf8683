namespace Latent.Text;

/// <summary>
/// Every option of a recurrent (LSTM or GRU) language model, defaults in one place: the network's shape, the vocabulary, training by truncated
/// BPTT with Adam, and how a user's corpus is split into train, validation and test (the embedded Brown corpus always uses
/// the Bengio et al. 2003 split).
/// </summary>
public sealed record LanguageModelOptions
{
    /// <summary>The defaults.</summary>
    public static LanguageModelOptions Default { get; } = new();

    /// <summary>Word embedding size.</summary>
    public int EmbeddingSize { get; init; } = 256;

    /// <summary>Recurrent hidden size; must equal <see cref="EmbeddingSize"/> when <see cref="TieWeights"/> is set.</summary>
    public int HiddenSize { get; init; } = 256;

    /// <summary>The recurrent cell, a name in <see cref="Cells"/>: "lstm" (the default) or "gru".</summary>
    public string Cell { get; init; } = "lstm";

    /// <summary>The recurrent cells by name, as options, the CLI and config.json spell them.</summary>
    public static Registry<RecurrentCell> Cells { get; } = new Registry<RecurrentCell>("recurrent cell")
        .Add("lstm", "long short-term memory (Hochreiter and Schmidhuber 1997), PyTorch's gate order i, f, g, o", RecurrentCell.Lstm)
        .Add("gru", "gated recurrent unit (Cho et al. 2014), PyTorch's gate order r, z, n; a third fewer weights than the LSTM", RecurrentCell.Gru);

    /// <summary>Stacked recurrent layers (1 or 2).</summary>
    public int Layers { get; init; } = 1;

    /// <summary>Dropout probability on the embeddings, between recurrent layers and before the output projection.</summary>
    public double Dropout { get; init; } = 0.4;

    /// <summary>The output layer, a name in <see cref="Softmaxes"/>: "full" (one projection to every word, the default) or "adaptive".</summary>
    public string Softmax { get; init; } = "full";

    /// <summary>
    /// Where the adaptive softmax cuts the frequency-sorted vocabulary into its head shortlist and tail clusters (increasing word
    /// indices, each below the vocabulary size); null: <see cref="CutoffsFor"/> chooses from the vocabulary size.
    /// </summary>
    public int[]? Cutoffs { get; init; }

    /// <summary>The output layers by name, as options, the CLI and config.json spell them.</summary>
    public static Registry<SoftmaxKind> Softmaxes { get; } = new Registry<SoftmaxKind>("softmax")
        .Add("full", "one projection to every word's logit", SoftmaxKind.Full)
        .Add("adaptive", "Grave et al. (2017): a frequent-word head and smaller tail clusters; exact probabilities, faster on large vocabularies", SoftmaxKind.Adaptive);

    /// <summary>Whether <see cref="Softmax"/> names the adaptive softmax.</summary>
    [JsonIgnore]
    public bool IsAdaptive => Softmaxes[Softmax] == SoftmaxKind.Adaptive;

    /// <summary>Whether the output projection reuses the embedding matrix (Press &amp; Wolf 2017; Inan et al. 2017).</summary>
    public bool TieWeights { get; init; } = true;

    /// <summary>Whether the embedding matrix is kept fixed during training (with tied weights the projection is fixed too).</summary>
    public bool FreezeEmbedding { get; init; }

    /// <summary>Words seen fewer times in the training text become &lt;unk&gt; (4: the Bengio split's "seen ≤ 3 times" rule).</summary>
    public int MinCount { get; init; } = 4;

    /// <summary>Whether text is lowercased before it reaches the model (training, evaluation and prompts alike).</summary>
    public bool Lowercase { get; init; }

    /// <summary>Use only the first this many training tokens (null: all).</summary>
    public int? TrainTokens { get; init; }

    /// <summary>Passes over the training tokens.</summary>
    public int Epochs { get; init; } = 6;

    /// <summary>Parallel token streams (rows of a batch).</summary>
    public int BatchSize { get; init; } = 32;

    /// <summary>Truncated back-propagation length in time steps.</summary>
    public int Bptt { get; init; } = 35;

    /// <summary>Adam learning rate.</summary>
    public double LearningRate { get; init; } = 2e-3;

    /// <summary>Gradient-norm clipping threshold.</summary>
    public double ClipNorm { get; init; } = 1.0;

    /// <summary>Seed of parameter initialisation and dropout.</summary>
    public long Seed { get; init; }

    /// <summary>Stop when the validation perplexity has not improved for this many epochs and keep the best epoch's weights (null: run every epoch).</summary>
    public int? Patience { get; init; }

    /// <summary>Fraction of a user corpus, just before the test part, held out for validation.</summary>
    public double ValidationFraction { get; init; } = 0.1;

    /// <summary>Fraction of a user corpus, at its end, held out for testing.</summary>
    public double TestFraction { get; init; } = 0.1;

    /// <summary>The device the network computes on: "cpu", "cuda" or "cuda:N" (see <see cref="ComputeDevice"/>); not part of the saved model.</summary>
    [JsonIgnore]
    public string Device { get; init; } = ComputeDevice.Default;

    /// <summary>
    /// The adaptive softmax cutoffs for a vocabulary of <paramref name="vocabularySize"/> words: <see cref="Cutoffs"/> when set (each must lie below
    /// the vocabulary size), else a head of 2000 words and a first cluster up to word 10,000 (Grave et al.'s sizes for 10⁴–10⁵-word vocabularies),
    /// capped at V/8 and V/2 for smaller vocabularies; every cluster keeps a projection of at least one unit (H / 4^(i+1) ≥ 1).
    /// </summary>
    public int[] CutoffsFor(int vocabularySize)
    {
        int[] cutoffs = Cutoffs ?? new[] { Math.Max(1, Math.Min(2000, vocabularySize / 8)), Math.Min(10_000, vocabularySize / 2) }.Distinct().Where(c => c >= 1 && c < vocabularySize).ToArray();
        if (cutoffs.Length == 0 || cutoffs[^1] >= vocabularySize)
            throw new LatentException($"adaptive softmax cutoffs [{string.Join(", ", cutoffs)}] must lie below the vocabulary size {vocabularySize}");
        if (HiddenSize / Math.Pow(4, cutoffs.Length) < 1)
            throw new LatentException($"hidden size {HiddenSize} is too small for {cutoffs.Length} adaptive softmax clusters (each divides it by 4)");
        return cutoffs;
    }

    /// <summary>Throws <see cref="LatentException"/> naming the first invalid option.</summary>
    public void Validate()
    {
        if (EmbeddingSize < 1 || HiddenSize < 1) throw new LatentException($"embedding and hidden sizes must be ≥ 1, got {EmbeddingSize} and {HiddenSize}");
        Cells.Require(Cell);
        Softmaxes.Require(Softmax);
        if (IsAdaptive && TieWeights) throw new LatentException("the adaptive softmax has output weights of its own: untie them (--untied)");
        if (Cutoffs is { } cutoffs && (cutoffs.Length == 0 || cutoffs[0] < 1 || cutoffs.Zip(cutoffs.Skip(1)).Any(pair => pair.First >= pair.Second)))
            throw new LatentException($"adaptive softmax cutoffs must be positive and increasing, got [{string.Join(", ", cutoffs)}]");
        if (Layers is < 1 or > 2) throw new LatentException($"layers must be 1 or 2, got {Layers}");
        if (Dropout is < 0 or >= 1 || double.IsNaN(Dropout)) throw new LatentException($"dropout must be in [0, 1), got {Dropout}");
        if (TieWeights && EmbeddingSize != HiddenSize)
            throw new LatentException($"tied weights need embedding size = hidden size, got {EmbeddingSize} and {HiddenSize}");
        if (MinCount < 1) throw new LatentException($"min count must be ≥ 1, got {MinCount}");
        if (TrainTokens < 2) throw new LatentException($"train tokens must be ≥ 2, got {TrainTokens}");
        if (Epochs < 1 || BatchSize < 1 || Bptt < 1) throw new LatentException($"epochs, batch size and BPTT length must be ≥ 1, got {Epochs}, {BatchSize} and {Bptt}");
        if (!(LearningRate > 0) || !(ClipNorm > 0)) throw new LatentException($"learning rate and clip norm must be > 0, got {LearningRate} and {ClipNorm}");
        if (Patience is < 1) throw new LatentException($"patience must be at least 1 epoch, got {Patience}");
        if (!(ValidationFraction > 0) || !(TestFraction > 0) || ValidationFraction + TestFraction >= 1)
            throw new LatentException($"validation and test fractions must be > 0 with a sum below 1, got {ValidationFraction} and {TestFraction}");
        ComputeDevice.Validate(Device);
    }
}
