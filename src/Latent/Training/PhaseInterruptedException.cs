namespace Latent.Training;

/// <summary>
/// A long phase after or outside training (evaluation, the IWAE estimate, k-means initialisation, vocabulary building, report figures)
/// stopped at one of its checks because its <see cref="CancellationToken"/> asked it to. The library names the phase; the caller adds
/// what it kept, what was skipped and the command that redoes it (<see cref="After"/>).
/// </summary>
public sealed class PhaseInterruptedException : RunInterruptedException
{
    /// <summary>Creates the error for <paramref name="phase"/> ("the IWAE estimate"), with the files kept and the part skipped, if known.</summary>
    public PhaseInterruptedException(string phase, IReadOnlyList<string>? kept = null, string? skipped = null, string? redo = null)
        : base($"interrupted during {phase}; {(skipped is null ? "" : $"skipped {skipped}; ")}{(kept is { Count: > 0 } ? $"kept {string.Join(", ", kept)}" : "nothing was kept")}")
    {
        Phase = phase;
        Kept = kept ?? [];
        Skipped = skipped;
        Redo = redo;
    }

    /// <summary>The phase that stopped, as a phrase ("the test evaluation").</summary>
    public string Phase { get; }

    /// <summary>The files and folders that were finished before the phase and stay.</summary>
    public IReadOnlyList<string> Kept { get; }

    /// <summary>What the interruption left undone ("metrics.json and the report"), or null when not known.</summary>
    public string? Skipped { get; }

    /// <summary>The command line that redoes the skipped part, or null when running the same command again does.</summary>
    public string? Redo { get; }

    /// <summary>Throws the error for <paramref name="phase"/> when <paramref name="stop"/> has been cancelled.</summary>
    public static void ThrowIf(CancellationToken stop, string phase)
    {
        if (stop.IsCancellationRequested) throw new PhaseInterruptedException(phase);
    }

    /// <summary>
    /// The same interruption with what the caller kept before the phase (ahead of what the phase itself kept) and, when given, what
    /// was skipped and the command that redoes it.
    /// </summary>
    public PhaseInterruptedException After(IReadOnlyList<string> kept, string? skipped = null, string? redo = null) =>
        new(Phase, [.. kept, .. Kept], skipped ?? Skipped, redo ?? Redo);

    /// <inheritdoc />
    public override string NextStep(string program, IReadOnlyList<string> args) => $"redo with: {Redo ?? CommandLine(program, args)}";
}
