using Latent.Reporting;

namespace Latent.Cli.Infrastructure;

/// <summary>What a report chapter runs with: where to write, the report to append to, the seed, the budget scale and the console.</summary>
public sealed record ChapterContext(string OutputDirectory, ReportDocument Report, long Seed, double Scale, ConsoleUi Ui)
{
    /// <summary>A path inside the output folder for a file this chapter writes.</summary>
    public string PathFor(string fileName) => Path.Combine(OutputDirectory, fileName);

    /// <summary>Scales a default budget (steps, epochs, examples) by <see cref="Scale"/>, never below <paramref name="minimum"/>.</summary>
    public int Scaled(int budget, int minimum = 1) => Math.Max(minimum, (int)Math.Round(budget * Scale));
}
