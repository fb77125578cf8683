namespace Latent.Gp;

/// <summary>Training time and test NLPD of GP models as the number of training points grows, exact GPR only up to a limit.</summary>
public static class GpScalingStudy
{
    /// <summary>The model that runs only up to the exact limit.</summary>
    public const string ExactModel = "gpr";

    /// <summary>One row of the study: the number of training points and each model's training seconds and test NLPD (null where it was not run).</summary>
    public sealed record Row(int Count, IReadOnlyList<(double Seconds, double Nlpd)?> Fits);

    /// <summary>N = <paramref name="smallest"/> doubling while it stays at most <paramref name="largest"/>.</summary>
    public static int[] Counts(int smallest, int largest) =>
        Enumerable.Range(0, 31).Select(k => (long)smallest << k).TakeWhile(n => n <= largest).Select(n => (int)n).ToArray();

    /// <summary>
    /// For every N of <paramref name="counts"/>, the data <paramref name="dataFor"/> gives and every model of <paramref name="models"/> fitted to
    /// it by <paramref name="fit"/> (training seconds and test NLPD); exact GPR is skipped above <paramref name="exactLimit"/>. Checks
    /// <paramref name="stop"/> before each N.
    /// </summary>
    public static Row[] Run(IReadOnlyList<int> counts, IReadOnlyList<string> models, long exactLimit, Func<int, Dataset> dataFor,
        Func<Dataset, string, (double Seconds, double Nlpd)> fit, CancellationToken stop)
    {
        var rows = new List<Row>();
        foreach (var count in counts)
        {
            PhaseInterruptedException.ThrowIf(stop, "the GP scaling study");
            using var data = dataFor(count);
            var fits = models.Select(model => model == ExactModel && count > exactLimit ? null : ((double, double)?)fit(data, model)).ToList();
            rows.Add(new Row(count, fits));
        }
        return [.. rows];
    }
}
