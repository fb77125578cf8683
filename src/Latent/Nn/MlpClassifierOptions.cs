namespace Latent.Nn;

/// <summary>Every setting of <see cref="MlpClassifier"/> and its training, with the defaults the CLI and the library share.</summary>
public sealed record MlpClassifierOptions
{
    /// <summary>The defaults.</summary>
    public static MlpClassifierOptions Default { get; } = new();

    /// <summary>Hidden-layer widths between the (flattened) input and the C logits.</summary>
    public IReadOnlyList<int> Hidden { get; init; } = [256, 128];

    /// <summary>Passes over the training set.</summary>
    public int Epochs { get; init; } = 5;

    /// <summary>Examples per optimizer step.</summary>
    public int BatchSize { get; init; } = 128;

    /// <summary>The optimizer.</summary>
    public OptimizerKind Optimizer { get; init; } = OptimizerKind.Adam;

    /// <summary>Its learning rate.</summary>
    public double LearningRate { get; init; } = 1e-3;

    /// <summary>Stop when the validation loss has not improved for this many epochs and keep the best epoch's weights (null: run every epoch).</summary>
    public int? Patience { get; init; }

    /// <summary>Share of the training examples held out for the validation loss that <see cref="Patience"/> watches (used only with it).</summary>
    public double ValidationFraction { get; init; } = 0.1;

    /// <summary>Train on at most this many training examples (null: all of them).</summary>
    public long? Examples { get; init; }

    /// <summary>Seeds the weights and the batch order.</summary>
    public long Seed { get; init; }

    /// <summary>The device the model computes on: "cpu", "cuda" or "cuda:N" (see <see cref="ComputeDevice"/>); not part of the saved model.</summary>
    [JsonIgnore]
    public string Device { get; init; } = ComputeDevice.Default;
}
