using Latent.Reporting;

namespace Latent.Gp;

/// <summary>The figures of an SVGP classifier run: its ELBO curve and the reliability diagram of predict_y.</summary>
public static class SvgpFigures
{
    private const int Window = 50;

    /// <summary>Plots the minibatch ELBO per training example of every step with its moving average of 50 into <paramref name="path"/> (PNG); returns the path.</summary>
    public static string Elbo(string path, IReadOnlyList<double> elboPerExample)
    {
        var steps = Enumerable.Range(1, elboPerExample.Count).Select(i => (double)i).ToList();
        var average = elboPerExample.Select((_, i) => elboPerExample.Skip(Math.Max(0, i + 1 - Window)).Take(Math.Min(i + 1, Window)).Average()).ToList();
        return new LineChart("ELBO per training example (minibatch estimates)", "step", "ELBO / N")
            .Add("minibatch", steps, elboPerExample)
            .Add($"moving average of {Window}", steps, average)
            .SavePng(path);
    }

    /// <summary>Plots accuracy against mean confidence per bin beside the diagonal of perfect calibration into <paramref name="path"/> (PNG); returns the path.</summary>
    public static string Calibration(string path, ClassificationMetrics metrics) =>
        new LineChart("Calibration of predict_y on the test examples", "mean confidence in bin", "accuracy in bin")
            .Add("SVGP", metrics.Bins.Select(b => b.Confidence).ToList(), metrics.Bins.Select(b => b.Accuracy).ToList())
            .Add("perfect calibration", [0.0, 1.0], [0.0, 1.0])
            .SavePng(path);
}
