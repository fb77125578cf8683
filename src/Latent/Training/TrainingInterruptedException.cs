namespace Latent.Training;

/// <summary>
/// Training stopped between two steps because its <see cref="CancellationToken"/> asked it to (Ctrl-C, SIGTERM); the step in
/// flight was finished and, when the run has a checkpoint file, the checkpoint was written so a resumed run continues from here.
/// </summary>
public sealed class TrainingInterruptedException : RunInterruptedException
{
    /// <summary>
    /// Creates the error for a run stopped after <paramref name="step"/> steps, with its checkpoint at <paramref name="checkpointPath"/> (or none);
    /// <paramref name="done"/> says what was done in the run's own unit (default "step N").
    /// </summary>
    public TrainingInterruptedException(long step, string? checkpointPath, string? done = null)
        : base($"interrupted after {done ?? $"step {step}"}; {(checkpointPath is null ? "no checkpoint was kept" : $"checkpoint written to {checkpointPath}")}")
    {
        Step = step;
        CheckpointPath = checkpointPath;
    }

    /// <summary>Steps completed when the run stopped (in the run's own unit: words for word2vec).</summary>
    public long Step { get; }

    /// <summary>The checkpoint that resumes the run, or null when it kept none.</summary>
    public string? CheckpointPath { get; }

    /// <summary>
    /// The command line that resumes the run: <paramref name="program"/> and <paramref name="args"/> (quoted for a POSIX shell) with
    /// --resume, and --out naming the checkpoint's folder when the arguments gave none.
    /// </summary>
    public string ResumeCommand(string program, IReadOnlyList<string> args)
    {
        var again = args.ToList();
        if (!again.Contains("--resume")) again.Add("--resume");
        if (!again.Any(arg => arg == "--out" || arg.StartsWith("--out=", StringComparison.Ordinal) || arg.StartsWith("--out:", StringComparison.Ordinal)))
            again.AddRange(["--out", Path.GetDirectoryName(CheckpointPath) ?? "."]);
        return CommandLine(program, again);
    }

    /// <inheritdoc />
    public override string? NextStep(string program, IReadOnlyList<string> args) => CheckpointPath is null ? null : $"resume with: {ResumeCommand(program, args)}";
}
