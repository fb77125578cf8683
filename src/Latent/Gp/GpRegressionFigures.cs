using Latent.Reporting;

namespace Latent.Gp;

/// <summary>The figures of 1-D GP regression: predictive bands of fitted models, and training time and test NLPD as N grows.</summary>
public static class GpRegressionFigures
{
    private const int GridCount = 240;

    /// <summary>One panel of <see cref="Bands"/>: its title, the fitted model and the inducing inputs to mark (null: none).</summary>
    public sealed record BandPanel(string Title, GpRegressor Regressor, Tensor? InducingInputs);

    /// <summary>
    /// Plots each panel's predictive mean of y and mean ± 2 predictive standard deviations on a grid reaching <paramref name="margin"/> past the
    /// training inputs of the one-feature <paramref name="data"/>, over its training points, inducing inputs drawn at the bottom, into <paramref name="path"/> (PNG).
    /// </summary>
    public static string Bands(string path, Dataset data, IReadOnlyList<BandPanel> panels, double margin = 0.5)
    {
        var features = data.Train.Features.numel() / data.Train.Count;
        if (features != 1) throw new LatentException($"{data.Source}: predictive bands are drawn for one input feature, not {features}");
        var (x, y) = (Column(data.Train.Features), Column(data.Train.RequireTargets("predictive bands")));
        var (low, high) = (x.Min() - margin, x.Max() + margin);
        var grid = Enumerable.Range(0, GridCount).Select(i => low + (high - low) * i / (GridCount - 1)).ToArray();
        using var gridInputs = tensor(grid.Select(v => (float)v).ToArray(), [GridCount, 1]);
        var floor = y.Min() - 0.4;
        IChart Band(BandPanel panel)
        {
            var (mean, variance) = panel.Regressor.PredictY(gridInputs);
            using (mean)
            using (variance)
            {
                var (m, sd) = (Column(mean), Column(variance).Select(Math.Sqrt).ToArray());
                var chart = new LineChart(panel.Title, "x", "y")
                    .AddPoints("training points", x, y)
                    .Add("predictive mean", grid, m)
                    .Add("mean + 2σ", grid, m.Zip(sd, (a, s) => a + 2 * s).ToList())
                    .Add("mean − 2σ", grid, m.Zip(sd, (a, s) => a - 2 * s).ToList());
                if (panel.InducingInputs is null) return chart;
                var marked = Column(panel.InducingInputs);
                return chart.AddPoints("inducing inputs Z (at the bottom)", marked, marked.Select(_ => floor).ToList());
            }
        }
        return Figure.SavePng(path, panels.Select(Band).ToList(), panels.Count);
    }

    /// <summary>Plots training time (log scale) and test NLPD against N for every model of a <see cref="GpScalingStudy"/> into <paramref name="path"/> (PNG).</summary>
    public static string Scaling(string path, IReadOnlyList<GpScalingStudy.Row> rows, IReadOnlyList<string> models)
    {
        IChart Panel(string title, string yLabel, Func<(double Seconds, double Nlpd), double> value, bool logY)
        {
            var chart = new LineChart(title, "training points N", yLabel) { LogY = logY };
            for (var m = 0; m < models.Count; m++)
            {
                var points = rows.Where(r => r.Fits[m] is not null).Select(r => ((double)r.Count, value(r.Fits[m]!.Value))).ToArray();
                if (points.Length > 0) chart.Add(models[m].ToUpperInvariant(), points.Select(p => p.Item1).ToArray(), points.Select(p => p.Item2).ToArray());
            }
            return chart;
        }
        return Figure.SavePng(path, [Panel("Training time", "seconds (log scale)", f => f.Seconds, true), Panel("Test NLPD", "nats per point", f => f.Nlpd, false)], 2);
    }

    /// <summary>The values of a one-column tensor [N, 1] (or [N]) as doubles.</summary>
    private static double[] Column(Tensor values)
    {
        using var host = values.detach().to(float64).cpu().contiguous();
        return host.data<double>().ToArray();
    }
}
