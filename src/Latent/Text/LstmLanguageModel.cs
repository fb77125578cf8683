using TorchSharp.Modules;

namespace Latent.Text;

/// <summary>
/// A word-level recurrent language model (Zaremba et al. 2014): embedding → dropout → 1–2 LSTM or GRU layers (<see cref="LanguageModelOptions.Cell"/>)
/// → dropout → output projection to vocabulary logits, logits = W h + b, with W optionally the embedding matrix itself (tied weights), or an
/// adaptive softmax (<see cref="LanguageModelOptions.Softmax"/>).
/// Input tokens are [batch, time] int64; the recurrent state (h, c) is carried between calls for truncated BPTT (a GRU has no cell: its c is an
/// empty [layers, batch, 0] tensor). State-dict keys are PyTorch's: embedding.weight, lstm.weight_ih_l0 … (gru.weight_ih_l0 … for a GRU),
/// projection.weight (untied only) and projection.bias.
/// </summary>
public sealed class LstmLanguageModel : nn.Module<Tensor, (Tensor Hidden, Tensor Cell)?, (Tensor Logits, (Tensor Hidden, Tensor Cell) State)>
{
    private const double InitialRange = 0.1;

    private readonly Embedding embedding;
    private readonly Dropout dropout;
    private readonly LSTM? lstm;
    private readonly GRU? gru;
    private readonly nn.Module<Tensor, Tensor> projection;

    /// <summary>
    /// Creates the model: embedding and untied output rows uniform in ±0.1 (as PyTorch's word_language_model example, so
    /// that tied logits start near zero), LSTM weights by PyTorch's default; draws come from the global generator (seed it
    /// with <c>torch.manual_seed</c> first).
    /// </summary>
    public LstmLanguageModel(int vocabularySize, LanguageModelOptions options, Device device) : base(nameof(LstmLanguageModel))
    {
        options.Validate();
        if (vocabularySize < 2) throw new LatentException($"vocabulary size must be ≥ 2, got {vocabularySize}");
        VocabularySize = vocabularySize;
        Options = options;
        embedding = nn.Embedding(vocabularySize, options.EmbeddingSize, device: device, dtype: ScalarType.Float32);
        dropout = nn.Dropout(options.Dropout);
        double layerDropout = options.Layers > 1 ? options.Dropout : 0;
        if (LanguageModelOptions.Cells[options.Cell] == RecurrentCell.Gru)
            gru = nn.GRU(options.EmbeddingSize, options.HiddenSize, options.Layers, batchFirst: true, dropout: layerDropout, device: device, dtype: ScalarType.Float32);
        else
            lstm = nn.LSTM(options.EmbeddingSize, options.HiddenSize, options.Layers, batchFirst: true, dropout: layerDropout, device: device, dtype: ScalarType.Float32);
        using (no_grad()) embedding.weight!.uniform_(-InitialRange, InitialRange);
        projection = options.IsAdaptive
            ? new AdaptiveSoftmax(vocabularySize, options.HiddenSize, options.CutoffsFor(vocabularySize), device)
            : new OutputProjection(vocabularySize, options.HiddenSize, options.TieWeights ? () => embedding.weight! : null, InitialRange, device);
        RegisterComponents();
        if (options.FreezeEmbedding) embedding.weight!.requires_grad = false;
    }

    /// <summary>Number of words the model reads and predicts.</summary>
    public int VocabularySize { get; }

    /// <summary>The options holding the model's shape.</summary>
    public LanguageModelOptions Options { get; }

    /// <summary>The embedding matrix [V, E] (also the output weight when tied).</summary>
    public Tensor EmbeddingWeight => embedding.weight!;

    /// <summary>The full softmax's output projection weight W [V, H] (an adaptive softmax has none).</summary>
    public Tensor OutputWeight => FullProjection.Weight;

    /// <summary>The full softmax's output projection bias b [V].</summary>
    public Tensor OutputBias => FullProjection.Bias;

    /// <summary>The adaptive softmax's cutoffs, or null for the full softmax.</summary>
    public int[]? AdaptiveCutoffs => (projection as AdaptiveSoftmax)?.Cutoffs;

    /// <summary>Next-word logits [batch, time, V] and the final recurrent state.</summary>
    public override (Tensor Logits, (Tensor Hidden, Tensor Cell) State) forward(Tensor tokens, (Tensor Hidden, Tensor Cell)? state)
    {
        var (hidden, next) = Hidden(tokens, state);
        return (Project(hidden), next);
    }

    /// <summary>The top recurrent layer's outputs after dropout [batch, time, H], the vectors the output projection reads.</summary>
    public (Tensor Output, (Tensor Hidden, Tensor Cell) State) Hidden(Tensor tokens, (Tensor Hidden, Tensor Cell)? state)
    {
        if (tokens.dim() != 2 || tokens.dtype != ScalarType.Int64)
            throw new LatentException($"tokens must be an int64 [batch, time] tensor, got {tokens.dtype} [{string.Join(", ", tokens.shape)}]");
        using var embedded = dropout.forward(embedding.forward(tokens));
        Tensor output, h, c;
        if (gru is not null)
        {
            (output, h) = GruRecurrence.Forward(gru, Options.Layers, embedded, state?.Hidden, Options.Dropout, training);
            c = empty([Options.Layers, tokens.shape[0], 0], h.dtype, h.device);
        }
        else
        {
            (output, h, c) = lstm!.forward(embedded, state);
        }
        using (output) return (dropout.forward(output), (h, c));
    }

    /// <summary>
    /// Mean cross-entropy (nats per token) of <paramref name="targets"/> [batch, time] under the logits of top-layer outputs
    /// <paramref name="hidden"/> [batch, time, H]: the value of cross_entropy(Project(hidden), targets), computed without materialising the logits.
    /// </summary>
    public Tensor CrossEntropy(Tensor hidden, Tensor targets) =>
        projection is AdaptiveSoftmax adaptive ? adaptive.CrossEntropy(hidden, targets) : FullProjection.CrossEntropy(hidden, targets);

    /// <summary>Scores whose softmax is the next-word distribution, [..., V]: logits h Wᵀ + b, or an adaptive softmax's log-probabilities.</summary>
    public Tensor Project(Tensor hidden) => projection.forward(hidden);

    private OutputProjection FullProjection => projection as OutputProjection ?? throw new LatentException("an adaptive softmax has no single output projection matrix");

    /// <summary>
    /// Copies word2vec vectors into the embedding rows of the words they know (words without a vector keep their random
    /// initialisation) and returns how many rows were copied.
    /// </summary>
    public int InitialiseEmbedding(Vocabulary vocabulary, WordVectors vectors)
    {
        if (vocabulary.Count != VocabularySize)
            throw new LatentException($"vocabulary has {vocabulary.Count} words, the model {VocabularySize}");
        if (vectors.Dimensions != Options.EmbeddingSize)
            throw new LatentException($"word vectors have {vectors.Dimensions} dimensions, the embedding {Options.EmbeddingSize}");
        var weight = embedding.weight!;
        var rows = weight.cpu().data<float>().ToArray();
        int copied = 0;
        for (int w = 0; w < vocabulary.Count; w++)
        {
            if (!vectors.Contains(vocabulary.Words[w])) continue;
            vectors[vocabulary.Words[w]].CopyTo(rows.AsSpan(w * vectors.Dimensions, vectors.Dimensions));
            copied++;
        }
        using (no_grad())
        using (var source = tensor(rows, weight.shape, device: weight.device))
            weight.copy_(source);
        return copied;
    }
}
