namespace Latent.Text;

/// <summary>Shape of an <see cref="LstmLanguageModel"/>.</summary>
public sealed record LstmLanguageModelSettings
{
    /// <summary>Number of words the model reads and predicts.</summary>
    public required int VocabularySize { get; init; }

    /// <summary>Word embedding size.</summary>
    public int EmbeddingSize { get; init; } = 256;

    /// <summary>LSTM hidden size; must equal <see cref="EmbeddingSize"/> when <see cref="TieWeights"/> is set.</summary>
    public int HiddenSize { get; init; } = 256;

    /// <summary>Stacked LSTM layers (1 or 2).</summary>
    public int Layers { get; init; } = 1;

    /// <summary>Dropout probability on the embeddings, between LSTM layers and before the output projection.</summary>
    public double Dropout { get; init; } = 0.3;

    /// <summary>Whether the output projection reuses the embedding matrix (Press &amp; Wolf 2017; Inan et al. 2017).</summary>
    public bool TieWeights { get; init; } = true;

    /// <summary>Whether the embedding matrix is kept fixed during training (with tied weights the projection is fixed too).</summary>
    public bool FreezeEmbedding { get; init; }

    /// <summary>Throws <see cref="LatentException"/> naming the first invalid setting.</summary>
    public void Validate()
    {
        if (VocabularySize < 2) throw new LatentException($"vocabulary size must be ≥ 2, got {VocabularySize}");
        if (EmbeddingSize < 1 || HiddenSize < 1) throw new LatentException($"embedding and hidden sizes must be ≥ 1, got {EmbeddingSize} and {HiddenSize}");
        if (Layers is < 1 or > 2) throw new LatentException($"layers must be 1 or 2, got {Layers}");
        if (Dropout is < 0 or >= 1 || double.IsNaN(Dropout)) throw new LatentException($"dropout must be in [0, 1), got {Dropout}");
        if (TieWeights && EmbeddingSize != HiddenSize)
            throw new LatentException($"tied weights need embedding size = hidden size, got {EmbeddingSize} and {HiddenSize}");
    }
}
