namespace Latent.Training;

/// <summary>
/// A run stopped because its <see cref="CancellationToken"/> asked it to (Ctrl-C, SIGTERM): during training (<see cref="TrainingInterruptedException"/>)
/// or during a later phase such as evaluation or report figures (<see cref="PhaseInterruptedException"/>); what was finished is kept.
/// </summary>
public abstract class RunInterruptedException : LatentException
{
    /// <summary>Creates the error with a one-line message that says where the run stopped and what it kept.</summary>
    protected RunInterruptedException(string message) : base(message) { }

    /// <summary>
    /// The line that tells the user how to continue ("resume with: …", "redo with: …") after <paramref name="program"/> ran with
    /// <paramref name="args"/>, or null when there is nothing to continue.
    /// </summary>
    public abstract string? NextStep(string program, IReadOnlyList<string> args);

    /// <summary><paramref name="program"/> and <paramref name="args"/> as one command line, each word quoted for a POSIX shell where it needs it.</summary>
    public static string CommandLine(string program, IEnumerable<string> args) => string.Join(' ', args.Prepend(program).Select(Quote));

    private static string Quote(string arg) =>
        arg.Length > 0 && arg.All(c => char.IsAsciiLetterOrDigit(c) || "-_./:=,+@%".Contains(c)) ? arg : $"'{arg.Replace("'", "'\\''")}'";
}
