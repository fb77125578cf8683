using ScottPlot;

namespace Latent.Reporting;

/// <summary>A line chart of one or more series (learning curves); non-finite points are dropped, and a log10 y-axis is optional.</summary>
public sealed class LineChart : IChart
{
    /// <summary>Creates an empty chart with a title and axis labels.</summary>
    public LineChart(string title, string xLabel, string yLabel)
    {
        Title = title;
        XLabel = xLabel;
        YLabel = yLabel;
    }

    /// <summary>The chart title.</summary>
    public string Title { get; }

    /// <summary>The x-axis label.</summary>
    public string XLabel { get; }

    /// <summary>The y-axis label.</summary>
    public string YLabel { get; }

    /// <summary>Plot log10(y) (positive values only), for losses spanning orders of magnitude.</summary>
    public bool LogY { get; init; }

    /// <summary>Upper end of the y-axis in data units (null: fit the data), so one diverging series does not flatten the rest.</summary>
    public double? MaxY { get; init; }

    /// <summary>Put x-axis ticks only at whole numbers (for epoch axes, which would otherwise be labelled 0.5, 1.5, …).</summary>
    public bool IntegerX { get; init; }

    /// <summary>The series, drawn in order.</summary>
    public List<LineSeries> Series { get; } = new();

    /// <summary>Adds a series and returns the chart, for chaining.</summary>
    public LineChart Add(string name, IReadOnlyList<double> x, IReadOnlyList<double> y)
    {
        if (x.Count != y.Count) throw new LatentException($"line chart '{Title}': series '{name}' has {x.Count} x values but {y.Count} y values");
        Series.Add(new LineSeries(name, x, y));
        return this;
    }

    /// <summary>Adds a series drawn as unconnected dots (data points, marked positions); returns the chart for chaining.</summary>
    public LineChart AddPoints(string name, IReadOnlyList<double> x, IReadOnlyList<double> y)
    {
        Add(name, x, y);
        Series[^1] = Series[^1] with { Markers = true };
        return this;
    }

    /// <inheritdoc />
    public Plot Build()
    {
        var plot = new Plot();
        foreach (var series in Series)
        {
            var xs = new List<double>();
            var ys = new List<double>();
            for (int i = 0; i < series.X.Count; i++)
            {
                double y = series.Y[i];
                if (!double.IsFinite(series.X[i]) || !double.IsFinite(y) || (LogY && y <= 0)) continue;
                xs.Add(series.X[i]);
                ys.Add(LogY ? Math.Log10(y) : y);
            }
            if (xs.Count == 0) continue;
            var line = plot.Add.ScatterLine(xs.ToArray(), ys.ToArray());
            line.LegendText = series.Name;
            line.LineWidth = series.Markers ? 0 : 2;
            line.MarkerSize = series.Markers ? 5 : 0;
        }
        if (IntegerX) plot.Axes.Bottom.TickGenerator = new ScottPlot.TickGenerators.NumericAutomatic { IntegerTicksOnly = true };
        plot.Title(Title);
        plot.XLabel(XLabel);
        plot.YLabel(LogY ? $"log10 {YLabel}" : YLabel);
        if (Series.Count > 1) plot.ShowLegend(Alignment.UpperRight);
        if (MaxY is { } max && (!LogY || max > 0))
        {
            plot.Axes.AutoScale();
            var limits = plot.Axes.GetLimits();
            double top = LogY ? Math.Log10(max) : max;
            if (top < limits.Top && top > limits.Bottom) plot.Axes.SetLimitsY(limits.Bottom, top);
        }
        return plot;
    }

    /// <summary>Saves the chart as a PNG (atomically) and returns the path.</summary>
    public string SavePng(string path, int width = 900, int height = 560) => Figure.SavePng(path, new[] { this }, 1, width, height);
}
