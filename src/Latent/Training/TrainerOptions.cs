namespace Latent.Training;

/// <summary>How the trainer iterates: epochs, batch size, step budget, seed, evaluation cadence and checkpointing.</summary>
public sealed record TrainerOptions
{
    /// <summary>Number of passes over the data.</summary>
    public int Epochs { get; init; } = 10;

    /// <summary>Examples per optimizer step (the last batch of an epoch may be smaller).</summary>
    public int BatchSize { get; init; } = 128;

    /// <summary>Stop after this many optimizer steps, even mid-epoch (null: run all epochs).</summary>
    public long? MaxSteps { get; init; }

    /// <summary>Visit examples in a fresh seeded random order each epoch (false: in index order, as truncated BPTT needs).</summary>
    public bool Shuffle { get; init; } = true;

    /// <summary>Seed of the run's data order; the same seed gives the same batches.</summary>
    public long Seed { get; init; }

    /// <summary>Call the evaluation callback every this many steps (0: only at the end of each epoch).</summary>
    public int EvaluateEverySteps { get; init; }

    /// <summary>Clip the global gradient norm to this value before each step (null: no clipping).</summary>
    public double? ClipGradientNorm { get; init; }

    /// <summary>
    /// Keep an exponential moving average of the parameters with this decay per step (null: none). Evaluations see the
    /// averaged weights, and when training ends the model holds them (see <see cref="ParameterAverage"/>).
    /// </summary>
    public double? AverageDecay { get; init; }

    /// <summary>
    /// Stop when the validation figure (see <see cref="Trainer.Validate"/>) has not improved for this many epochs, and end with the
    /// weights of the epoch where it was best (null: run every epoch and keep the last weights).
    /// </summary>
    public int? Patience { get; init; }

    /// <summary>Checkpoint file written atomically after every epoch and on interruption (null: no checkpoints).</summary>
    public string? CheckpointPath { get; init; }

    /// <summary>
    /// Write the checkpoint every this many steps (mid-epoch too) and at the end of the run instead of after every epoch
    /// (null: after every epoch).
    /// </summary>
    public int? CheckpointEverySteps { get; init; }

    /// <summary>End the run after the first step that ends past this wall time, counted from the start of <see cref="Trainer.Fit"/> (null: no limit).</summary>
    public TimeSpan? TimeLimit { get; init; }

    /// <summary>Continue from <see cref="CheckpointPath"/> instead of starting afresh.</summary>
    public bool Resume { get; init; }

    /// <summary>
    /// Asks the run to stop: checked after every step, it finishes that step, writes the checkpoint (mid-epoch when need be) and
    /// throws <see cref="TrainingInterruptedException"/>.
    /// </summary>
    public CancellationToken Stop { get; init; }

    /// <summary>Checks the options and throws a one-line error naming a bad value.</summary>
    public TrainerOptions Validate()
    {
        if (Epochs < 1) throw new LatentException($"epochs must be at least 1, got {Epochs}");
        if (BatchSize < 1) throw new LatentException($"batch size must be at least 1, got {BatchSize}");
        if (MaxSteps is < 1) throw new LatentException($"max steps must be at least 1, got {MaxSteps}");
        if (EvaluateEverySteps < 0) throw new LatentException($"evaluation interval must be non-negative, got {EvaluateEverySteps}");
        if (ClipGradientNorm is <= 0) throw new LatentException($"gradient clipping norm must be positive, got {ClipGradientNorm}");
        if (AverageDecay is { } decay && !(decay > 0 && decay < 1)) throw new LatentException($"parameter-average decay must be in (0, 1), got {decay}");
        if (Patience is < 1) throw new LatentException($"patience must be at least 1 epoch, got {Patience}");
        if (CheckpointEverySteps is < 1) throw new LatentException($"the checkpoint interval must be at least 1 step, got {CheckpointEverySteps}");
        if (TimeLimit is { } limit && limit <= TimeSpan.Zero) throw new LatentException($"the time limit must be positive, got {limit}");
        if (Resume && CheckpointPath is null) throw new LatentException("resume needs a checkpoint path");
        return this;
    }
}
