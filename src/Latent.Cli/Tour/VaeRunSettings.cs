using Latent.Vae;

namespace Latent.Cli.Tour;

/// <summary>What one VAE training run uses: the model, the objective, the data treatment and the training budget.</summary>
public sealed record VaeRunSettings
{
    /// <summary>The model to build.</summary>
    public VaeArchitecture Architecture { get; init; } = VaeArchitecture.MnistDefault;

    /// <summary>The training objective.</summary>
    public IVaeObjective Objective { get; init; } = new ElboObjective();

    /// <summary>How the training pixels are binarized (the test set gets one fixed draw when this is not None).</summary>
    public Binarization Binarization { get; init; } = Binarization.None;

    /// <summary>Passes over the training subset.</summary>
    public int Epochs { get; init; } = 10;

    /// <summary>Examples per step.</summary>
    public int BatchSize { get; init; } = 128;

    /// <summary>Adam learning rate.</summary>
    public double LearningRate { get; init; } = 1e-3;

    /// <summary>Use the first N training images.</summary>
    public int Examples { get; init; } = 60_000;

    /// <summary>Importance samples k of the final test log-likelihood estimate (0: skip it).</summary>
    public int IwaeSamples { get; init; } = 1000;

    /// <summary>How many test images the IWAE estimate averages over.</summary>
    public int IwaeExamples { get; init; } = 1000;

    /// <summary>Start the decoder's output bias at the logit of the mean training image (false: the layer's default initialisation).</summary>
    public bool DataMeanBias { get; init; } = true;

    /// <summary>Decay of the moving average of the weights that evaluations use and the trained model keeps (null: no averaging).</summary>
    public double? AverageDecay { get; init; }

    /// <summary>Checkpoint written after every epoch (null: none).</summary>
    public string? CheckpointPath { get; init; }

    /// <summary>Continue from <see cref="CheckpointPath"/>.</summary>
    public bool Resume { get; init; }
}
