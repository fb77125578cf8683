using Latent.Studies;
using Latent.Training;

namespace Latent.Cli.Tour;

/// <summary>What the batch-size study runs on: the data set, its size and the study options per loss reduction.</summary>
public sealed record CurvesSettings
{
    /// <summary>"synthetic" (the seed's regression set) or "mnist".</summary>
    public string Dataset { get; init; } = "synthetic";

    /// <summary>Training examples (synthetic: generated; mnist: the first N training images).</summary>
    public int Examples { get; init; } = 50;

    /// <summary>Synthetic inputs per example.</summary>
    public int Inputs { get; init; } = 10;

    /// <summary>Synthetic outputs per example.</summary>
    public int Outputs { get; init; } = 20;

    /// <summary>MNIST-format directory (null: embedded MNIST).</summary>
    public string? DataDirectory { get; init; }

    /// <summary>Which reductions to compare; each runs all four regimes.</summary>
    public IReadOnlyList<LossReduction> Reductions { get; init; } = new[] { LossReduction.Mean, LossReduction.Sum };

    /// <summary>Optimizer steps per regime.</summary>
    public int Steps { get; init; } = 1000;

    /// <summary>Full-batch learning rate for mean-reduced losses; summed losses use it divided by N, the same full-batch update.</summary>
    public double LearningRate { get; init; } = 2.0;

    /// <summary>Mini-batch size of regime (b).</summary>
    public int MiniBatchSize { get; init; } = 10;

    /// <summary>Scaling rules of the scaled SGD regimes.</summary>
    public IReadOnlyList<LearningRateScaling> ScalingRules { get; init; } = new[] { LearningRateScaling.Linear, LearningRateScaling.Sqrt };
}
