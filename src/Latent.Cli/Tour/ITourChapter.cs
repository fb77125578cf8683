namespace Latent.Cli.Tour;

/// <summary>One chapter of `latent tour`: runs a small experiment on the embedded data and writes its report section.</summary>
public interface ITourChapter
{
    /// <summary>Short name used by `latent tour --chapters`.</summary>
    string Name { get; }

    /// <summary>The question the chapter answers, used as its heading.</summary>
    string Title { get; }

    /// <summary>Runs the chapter at the tour's budget, appending its section to the report.</summary>
    void Run(ChapterContext context);
}
