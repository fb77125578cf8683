using System.Text;
using Latent.Reporting;

namespace Latent.Studies;

/// <summary>The files a batch-size study writes: every curve as CSV, and full-data loss by step and by epoch per reduction as PNG.</summary>
public static class BatchSizeStudyFigures
{
    /// <summary>A short name of a run, e.g. "mean (c) SGD b=1 same lr".</summary>
    public static string Name(BatchSizeRun run) => $"{run.Reduction.ToString().ToLowerInvariant()} {run.Regime.Name}";

    /// <summary>Writes all curves to <paramref name="path"/> (columns run, series, step, epoch, value; series eval = full-data loss).</summary>
    public static string WriteCsv(string path, IEnumerable<BatchSizeRun> runs)
    {
        var text = new StringBuilder("run,series,step,epoch,value\n");
        foreach (var run in runs) run.Curve.AppendCsv(text, $"{Name(run)} lr={run.LearningRate:G3}");
        AtomicFile.WriteText(path, text.ToString());
        return path;
    }

    /// <summary>Saves the full-data loss (log scale) of every run by optimizer step and by epoch, one row of two panels per reduction.</summary>
    public static string SavePng(string path, IReadOnlyList<BatchSizeRun> runs)
    {
        var charts = new List<IChart>();
        foreach (var group in runs.GroupBy(r => r.Reduction))
        {
            charts.Add(Chart(group.ToList(), $"{group.Key} loss: by optimizer step", "optimizer steps", p => p.Step, integerX: false));
            charts.Add(Chart(group.ToList(), $"{group.Key} loss: by epoch (examples seen / N)", "epochs", p => p.Epoch, integerX: true));
        }
        return Figure.SavePng(path, charts, 2);
    }

    private static LineChart Chart(IReadOnlyList<BatchSizeRun> runs, string title, string xLabel, Func<CurvePoint, double> x, bool integerX)
    {
        double start = runs.SelectMany(r => r.Curve.Evaluations.Take(1)).Select(p => p.Value).Where(double.IsFinite).DefaultIfEmpty(1).Max();
        var chart = new LineChart(title, xLabel, "full-data loss") { LogY = true, MaxY = start * 10, IntegerX = integerX };
        foreach (var run in runs)
            chart.Add(run.Regime.Name, run.Curve.Evaluations.Select(x).ToList(), run.Curve.Evaluations.Select(p => p.Value).ToList());
        return chart;
    }
}
