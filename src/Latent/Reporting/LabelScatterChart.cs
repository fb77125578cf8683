using ScottPlot;

namespace Latent.Reporting;

/// <summary>A scatter of 2-D points coloured by integer class label (for example test-set latent means coloured by digit).</summary>
public sealed class LabelScatterChart : IChart
{
    /// <summary>Creates the chart from points (x[i], y[i]) with labels[i].</summary>
    public LabelScatterChart(string title, IReadOnlyList<double> x, IReadOnlyList<double> y, IReadOnlyList<long> labels, string xLabel = "z1", string yLabel = "z2")
    {
        if (x.Count != y.Count || x.Count != labels.Count)
            throw new LatentException($"scatter chart '{title}': {x.Count} x values, {y.Count} y values and {labels.Count} labels differ in number");
        Title = title;
        X = x;
        Y = y;
        Labels = labels;
        XLabel = xLabel;
        YLabel = yLabel;
    }

    /// <summary>The chart title.</summary>
    public string Title { get; }

    /// <summary>Horizontal coordinates.</summary>
    public IReadOnlyList<double> X { get; }

    /// <summary>Vertical coordinates.</summary>
    public IReadOnlyList<double> Y { get; }

    /// <summary>The class of each point.</summary>
    public IReadOnlyList<long> Labels { get; }

    /// <summary>The x-axis label.</summary>
    public string XLabel { get; }

    /// <summary>The y-axis label.</summary>
    public string YLabel { get; }

    /// <inheritdoc />
    public Plot Build()
    {
        var plot = new Plot();
        var palette = new ScottPlot.Palettes.Category10();
        foreach (var label in Labels.Distinct().Order())
        {
            var index = Enumerable.Range(0, Labels.Count).Where(i => Labels[i] == label).ToArray();
            var points = plot.Add.ScatterPoints(index.Select(i => X[i]).ToArray(), index.Select(i => Y[i]).ToArray());
            points.Color = palette.GetColor((int)label);
            points.MarkerSize = 3;
            points.LegendText = label.ToString(System.Globalization.CultureInfo.InvariantCulture);
        }
        plot.Title(Title);
        plot.XLabel(XLabel);
        plot.YLabel(YLabel);
        plot.ShowLegend(Alignment.UpperRight);
        return plot;
    }

    /// <summary>Saves the chart as a PNG (atomically) and returns the path.</summary>
    public string SavePng(string path, int width = 800, int height = 700) => Figure.SavePng(path, new[] { this }, 1, width, height);
}
