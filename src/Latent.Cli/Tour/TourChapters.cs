namespace Latent.Cli.Tour;

/// <summary>The chapters of `latent tour`, in report order.</summary>
public static class TourChapters
{
    /// <summary>Every implemented chapter.</summary>
    public static IReadOnlyList<ITourChapter> All { get; } = new ITourChapter[]
    {
        new VaeChapter(),
        new SvgpChapter(),
        new GpRegressionChapter(),
        new NoisyChapter(),
        new CurvesChapter(),
        new TextChapter(),
    };
}
