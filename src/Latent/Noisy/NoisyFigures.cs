using System.Globalization;
using System.Text;
using Latent.Reporting;

namespace Latent.Noisy;

/// <summary>The files a comparison of noisy-label runs writes: per-epoch CSV, clean accuracy curves, and learned Q beside the true T.</summary>
public static class NoisyFigures
{
    /// <summary>Writes every run's per-epoch record to <paramref name="path"/> as CSV.</summary>
    public static string WriteCsv(string path, IEnumerable<(string Name, NoisyTrainingResult Result)> runs)
    {
        var text = new StringBuilder("run,epoch,train_loss,clean_test_accuracy,validation_loss,selected,max_column_sum_error,min_entry,max_abs_error_to_true,seconds\n");
        foreach (var (name, result) in runs)
            foreach (var e in result.Epochs)
                text.AppendLine(string.Join(",", name, e.Epoch, Raw(e.TrainLoss), Raw(e.CleanTestAccuracy), Raw(e.ValidationLoss),
                    e.Epoch == result.SelectedEpoch ? 1 : 0, Raw(e.MaxColumnSumError), Raw(e.MinEntry), Raw(e.MaxAbsErrorToTrue), Raw(e.Seconds)));
        AtomicFile.WriteText(path, text.ToString());
        return path;
    }

    /// <summary>Saves the clean test accuracy after every epoch, one line per run.</summary>
    public static string SaveAccuracyPng(string path, IEnumerable<(string Name, NoisyTrainingResult Result)> runs, string title)
    {
        var chart = new LineChart(title, "epoch", "clean test accuracy") { IntegerX = true };
        foreach (var (name, result) in runs)
            chart.Add(name, result.Epochs.Select(e => (double)e.Epoch).ToList(), result.Epochs.Select(e => e.CleanTestAccuracy).ToList());
        return chart.SavePng(path);
    }

    /// <summary>Saves heatmaps of the true T, the realised noise and each run's learned or fixed Q (columns: true class), sized to C, labelled by <paramref name="classNames"/> when given.</summary>
    public static string SaveTransitionsPng(string path, IReadOnlyList<(string Name, NoisyTrainingResult Result)> runs, IReadOnlyList<string>? classNames = null)
    {
        var first = runs[0].Result;
        int classes = first.Classes;
        var charts = new List<IChart>();
        if (first.TrueTransition is { } truth) charts.Add(new HeatmapChart("true T", Matrix(truth, classes), "noisy label", "true label", classNames));
        if (first.RealisedTransition is { } realised) charts.Add(new HeatmapChart("realised noise", Matrix(realised, classes), "noisy label", "true label", classNames));
        foreach (var (name, result) in runs.Where(r => r.Result.Model != NoiseModel.None))
            charts.Add(new HeatmapChart($"{name}: max|Q−T| {result.Selected.MaxAbsErrorToTrue:G3}", Matrix(result.Transition, classes), "noisy label", "true label", classNames));
        int panel = Math.Clamp(220 + 30 * classes, 360, 1200);
        return Figure.SavePng(path, charts, Math.Min(3, charts.Count), panel + 80, panel);
    }

    /// <summary>A row-major C×C array as a matrix.</summary>
    public static double[,] Matrix(IReadOnlyList<double> values, int classes)
    {
        var matrix = new double[classes, classes];
        for (int i = 0; i < classes; i++)
            for (int j = 0; j < classes; j++)
                matrix[i, j] = values[i * classes + j];
        return matrix;
    }

    private static string Raw(double value) => double.IsFinite(value) ? value.ToString("R", CultureInfo.InvariantCulture) : "";
}
