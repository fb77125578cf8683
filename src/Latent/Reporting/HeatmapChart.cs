using ScottPlot;

namespace Latent.Reporting;

/// <summary>A heatmap of a matrix (for example a label-transition matrix), row 0 drawn at the top and labelled 0 (or by name), with a colour bar.</summary>
public sealed class HeatmapChart : IChart
{
    /// <summary>Creates the chart for <paramref name="values"/> (rows × columns); <paramref name="names"/> label the rows and columns of a square matrix (default: their indices).</summary>
    public HeatmapChart(string title, double[,] values, string rowLabel = "row", string columnLabel = "column", IReadOnlyList<string>? names = null)
    {
        if (names is not null && (names.Count != values.GetLength(0) || names.Count != values.GetLength(1)))
            throw new LatentException($"heatmap '{title}': {names.Count} names for a {values.GetLength(0)}×{values.GetLength(1)} matrix");
        Names = names;
        Title = title;
        Values = values;
        RowLabel = rowLabel;
        ColumnLabel = columnLabel;
    }

    /// <summary>The chart title.</summary>
    public string Title { get; }

    /// <summary>The matrix drawn.</summary>
    public double[,] Values { get; }

    /// <summary>Label of the vertical (row) axis.</summary>
    public string RowLabel { get; }

    /// <summary>Label of the horizontal (column) axis.</summary>
    public string ColumnLabel { get; }

    /// <summary>Names of the rows and columns (a square matrix's classes, say), or null for their indices.</summary>
    public IReadOnlyList<string>? Names { get; }

    /// <inheritdoc />
    public Plot Build()
    {
        var plot = new Plot();
        var heatmap = plot.Add.Heatmap(Values);
        heatmap.Colormap = new ScottPlot.Colormaps.Viridis();
        plot.Add.ColorBar(heatmap);
        // ScottPlot draws array row 0 at the top, centred on y = rows - 1, while numbering the axis upwards:
        // label each row's centre with its array index so the picture reads like the matrix.
        int rows = Values.GetLength(0), columns = Values.GetLength(1);
        if (rows <= 30) plot.Axes.Left.TickGenerator = new ScottPlot.TickGenerators.NumericManual(
            Enumerable.Range(0, rows).Select(r => (double)(rows - 1 - r)).ToArray(), Enumerable.Range(0, rows).Select(Tick).ToArray());
        if (columns <= 30) plot.Axes.Bottom.TickGenerator = new ScottPlot.TickGenerators.NumericManual(
            Enumerable.Range(0, columns).Select(c => (double)c).ToArray(), Enumerable.Range(0, columns).Select(Tick).ToArray());
        plot.Axes.SetLimits(-0.5, columns - 0.5, -0.5, rows - 0.5);
        plot.Title(Title);
        plot.XLabel(ColumnLabel);
        plot.YLabel(RowLabel);
        return plot;
    }

    private string Tick(int index) => Names?[index] ?? index.ToString(System.Globalization.CultureInfo.InvariantCulture);
}
