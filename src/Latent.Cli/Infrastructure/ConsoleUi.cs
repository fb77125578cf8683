using Spectre.Console;

namespace Latent.Cli.Infrastructure;

/// <summary>What commands print: status lines, progress bars (Spectre.Console) and the files they wrote.</summary>
public sealed class ConsoleUi
{
    /// <summary>
    /// Set by Ctrl-C or SIGTERM (commands whose <see cref="ICliCommand.HonoursStop"/> holds): training finishes the step, checkpoints
    /// and stops; evaluation, k-means, corpus reading and report figures stop at their next check.
    /// </summary>
    public CancellationToken Stop { get; init; }

    /// <summary>Prints an informational line.</summary>
    public void Info(string text) => AnsiConsole.MarkupLine(Markup.Escape(text));

    /// <summary>Prints a heading line.</summary>
    public void Heading(string text) => AnsiConsole.Write(new Rule(Markup.Escape(text)).LeftJustified());

    /// <summary>Prints that <paramref name="path"/> was written.</summary>
    public void Wrote(string path) => AnsiConsole.MarkupLine($"[green]wrote[/] {Markup.Escape(path)}");

    /// <summary>Runs <paramref name="work"/> with a live progress display; add one task per bar.</summary>
    public T Progress<T>(Func<ProgressContext, T> work) =>
        AnsiConsole.Progress()
            .AutoClear(false)
            .HideCompleted(false)
            .Columns(new TaskDescriptionColumn(), new ProgressBarColumn(), new PercentageColumn(), new ElapsedTimeColumn(), new RemainingTimeColumn())
            .Start(work);

    /// <summary>Runs <paramref name="work"/> with a live progress display.</summary>
    public void Progress(Action<ProgressContext> work) => Progress(context => { work(context); return 0; });
}
