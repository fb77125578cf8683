using ScottPlot;

namespace Latent.Reporting;

/// <summary>A heatmap of a matrix (for example a label-transition matrix), row 0 drawn at the top, with a colour bar.</summary>
public sealed class HeatmapChart : IChart
{
    /// <summary>Creates the chart for <paramref name="values"/> (rows × columns).</summary>
    public HeatmapChart(string title, double[,] values, string rowLabel = "row", string columnLabel = "column")
    {
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

    /// <inheritdoc />
    public Plot Build()
    {
        var plot = new Plot();
        var heatmap = plot.Add.Heatmap(Values);
        heatmap.Colormap = new ScottPlot.Colormaps.Viridis();
        plot.Add.ColorBar(heatmap);
        plot.Title(Title);
        plot.XLabel(ColumnLabel);
        plot.YLabel(RowLabel);
        return plot;
    }
}
