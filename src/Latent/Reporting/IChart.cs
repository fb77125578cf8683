namespace Latent.Reporting;

/// <summary>A chart description that can build a ScottPlot plot, so charts can be saved alone or side by side.</summary>
public interface IChart
{
    /// <summary>Builds a fresh ScottPlot plot of this chart.</summary>
    ScottPlot.Plot Build();
}
