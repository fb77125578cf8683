namespace Latent.Studies;

/// <summary>Settings of the SGD / mini-batch / full-batch study (defaults follow the seed question: 1000 steps).</summary>
public sealed record BatchSizeStudyOptions
{
    /// <summary>Optimizer steps per regime (every regime gets the same number of updates).</summary>
    public int Steps { get; init; } = 1000;

    /// <summary>The learning rate tuned for full-batch training; regimes (a)–(c) all use it unchanged.</summary>
    public double LearningRate { get; init; } = 2.0;

    /// <summary>Batch size of the mini-batch regime.</summary>
    public int MiniBatchSize { get; init; } = 10;

    /// <summary>Rules for the extra SGD regimes whose learning rate is scaled to the batch size: (d) linear, (e) square root.</summary>
    public IReadOnlyList<LearningRateScaling> ScalingRules { get; init; } = new[] { LearningRateScaling.Linear, LearningRateScaling.Sqrt };

    /// <summary>How per-example losses are combined into the batch loss.</summary>
    public LossReduction Reduction { get; init; } = LossReduction.Mean;

    /// <summary>Hidden-layer widths of the two-hidden-layer MLP.</summary>
    public IReadOnlyList<int> Hidden { get; init; } = new[] { 64, 64 };

    /// <summary>Record the full-data loss every this many steps.</summary>
    public int EvaluateEverySteps { get; init; } = 5;

    /// <summary>Seed: every regime starts from the same initial weights and the same data order rule.</summary>
    public long Seed { get; init; }

    /// <summary>The device the study trains on: "cpu", "cuda" or "cuda:N" (see <see cref="ComputeDevice"/>).</summary>
    public string Device { get; init; } = ComputeDevice.Default;

    /// <summary>Checks the settings and throws a one-line error naming a bad value.</summary>
    public BatchSizeStudyOptions Validate()
    {
        if (Steps < 1) throw new LatentException($"steps must be at least 1, got {Steps}");
        if (!(LearningRate > 0) || double.IsInfinity(LearningRate)) throw new LatentException($"learning rate must be a positive number, got {LearningRate}");
        if (MiniBatchSize < 1) throw new LatentException($"mini-batch size must be at least 1, got {MiniBatchSize}");
        if (EvaluateEverySteps < 1) throw new LatentException($"evaluation interval must be at least 1, got {EvaluateEverySteps}");
        if (ScalingRules.Contains(LearningRateScaling.None)) throw new LatentException("a scaled regime needs a scaling rule (linear or sqrt), not none");
        if (Hidden.Count != 2 || Hidden.Any(h => h < 1)) throw new LatentException($"the study's MLP has exactly two positive hidden widths, got [{string.Join(", ", Hidden)}]");
        ComputeDevice.Validate(Device);
        return this;
    }
}
