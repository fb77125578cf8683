namespace Latent.Training;

/// <summary>Whether a training run writes a TensorBoard log and how often it records the training loss; the CLI reads its defaults from here.</summary>
public sealed record RunLogOptions
{
    /// <summary>The defaults: a TensorBoard log, the loss every 10 steps.</summary>
    public static RunLogOptions Default { get; } = new();

    /// <summary>Write TensorBoard scalars into the run's output folder (<see cref="RunLog.FolderName"/>).</summary>
    public bool TensorBoard { get; init; } = true;

    /// <summary>Record the training loss and learning rate every this many optimizer steps.</summary>
    public int EverySteps { get; init; } = 10;

    /// <summary>Checks the options and throws a one-line error naming a bad value.</summary>
    public RunLogOptions Validate()
    {
        if (EverySteps < 1) throw new LatentException($"run-log interval must be at least 1 step, got {EverySteps}");
        return this;
    }
}
