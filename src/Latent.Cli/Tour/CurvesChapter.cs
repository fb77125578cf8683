using System.Globalization;
using System.Text;
using Latent.Cli.Infrastructure;
using Latent.Data;
using Latent.IO;
using Latent.Reporting;
using Latent.Studies;
using Latent.Training;
using static TorchSharp.torch;

namespace Latent.Cli.Tour;

/// <summary>
/// The SGD / mini-batch / full-batch chapter (seed S5): learning curves of the four regimes under mean and summed
/// losses, and an explanation, from the measured numbers, of why the same learning rate is flat or diverges for SGD.
/// </summary>
public sealed class CurvesChapter : ITourChapter
{
    /// <inheritdoc />
    public string Name => "curves";

    /// <inheritdoc />
    public string Title => "SGD vs mini-batch vs full batch: why batch size changes the effective learning rate";

    /// <inheritdoc />
    public void Run(ChapterContext context) => Run(context, new CurvesSettings { Steps = context.Scaled(1000, 10) });

    /// <summary>Runs the study with <paramref name="settings"/>, writes curves.png and curves.csv, and appends the report section.</summary>
    public void Run(ChapterContext context, CurvesSettings settings)
    {
        var data = LoadData(settings);
        var results = new List<(LossReduction Reduction, BatchSizeStudy Study, IReadOnlyList<BatchSizeRun> Runs)>();
        context.Ui.Progress(progress =>
        {
            foreach (var reduction in settings.Reductions)
            {
                var study = new BatchSizeStudy(data, new BatchSizeStudyOptions
                {
                    Steps = settings.Steps,
                    LearningRate = reduction == LossReduction.Sum ? settings.LearningRate / data.Count : settings.LearningRate,
                    MiniBatchSize = settings.MiniBatchSize,
                    ScalingRules = reduction == LossReduction.Mean ? settings.ScalingRules : Array.Empty<LearningRateScaling>(),
                    Reduction = reduction,
                    Seed = context.Seed,
                    EvaluateEverySteps = Math.Max(1, settings.Steps / 200),
                });
                var runs = new List<BatchSizeRun>();
                foreach (var regime in study.Regimes())
                {
                    var bar = progress.AddTask($"{reduction.ToString().ToLowerInvariant()} loss, {regime.Name}", maxValue: settings.Steps);
                    runs.Add(study.RunRegime(regime, (_, p) => bar.Value = p.Step));
                    bar.Value = settings.Steps;
                }
                results.Add((reduction, study, runs));
            }
        });

        var csv = WriteCsv(context.PathFor("curves.csv"), results.SelectMany(r => r.Runs));
        var charts = new List<IChart>();
        foreach (var (reduction, _, runs) in results)
        {
            charts.Add(Chart(runs, $"{Describe(reduction)}: loss vs optimizer steps", "optimizer steps", p => p.Step));
            charts.Add(Chart(runs, $"{Describe(reduction)}: loss vs epochs (examples seen / N)", "epochs", p => p.Epoch));
        }
        var png = Figure.SavePng(context.PathFor("curves.png"), charts, 2);
        context.Ui.Wrote(csv);
        context.Ui.Wrote(png);

        var report = context.Report;
        report.Heading(Title);
        report.Paragraph($"Setup: a fully connected network {data.InputSize}-64-64-{data.Outputs} (ReLU) trained with plain SGD on {data.Count} " +
            $"{(settings.Dataset == "mnist" ? "MNIST training images (cross-entropy)" : "synthetic regression examples (mean squared error, a fixed random teacher network plus noise)")}. " +
            $"Every regime starts from the same initial weights and takes the same {settings.Steps} optimizer steps; the curve is the loss on all {data.Count} training examples.");
        report.Image(png, "Full-data training loss (log10) of the four regimes, by optimizer step and by epoch; a line that stops has diverged.");
        report.Table(
            new[] { "loss", "regime", "batch", "optimizer lr", "effective lr", "epochs run", "final loss", "diverged at step" },
            results.SelectMany(r => r.Runs).Select(run => (IReadOnlyList<string>)new[]
            {
                run.Reduction.ToString().ToLowerInvariant(), run.Regime.Name, run.Regime.BatchSize.ToString(CultureInfo.InvariantCulture),
                Format(run.LearningRate), Format(run.EffectiveLearningRate), run.EpochsCompleted.ToString("0.#", CultureInfo.InvariantCulture),
                Format(run.FinalLoss), run.DivergedAtStep?.ToString(CultureInfo.InvariantCulture) ?? "—",
            }));
        report.Paragraph("The effective learning rate is the step size on the *mean* per-example loss: lr for a mean-reduced batch loss, lr × b for a summed one. " +
            "A batch gradient is an average of per-example gradients; its expectation does not depend on b, but its noise variance shrinks like 1/b.");
        report.Bullets(Findings(results, data.Count));
        report.Paragraph($"All curves: `{Path.GetFileName(csv)}` (columns run, series, step, epoch, value; series `eval` is the full-data loss).");
    }

    private static IEnumerable<string> Findings(List<(LossReduction Reduction, BatchSizeStudy Study, IReadOnlyList<BatchSizeRun> Runs)> results, long n)
    {
        BatchSizeRun? meanLinear = null;
        foreach (var (reduction, _, runs) in results)
        {
            var full = runs[0];
            var sgd = runs[2];
            if (reduction == LossReduction.Mean)
            {
                yield return sgd.DivergedAtStep is { } step
                    ? $"**Mean loss, same lr ({Format(sgd.LearningRate)}): SGD diverges** at step {step}, while full batch reaches {Format(full.FinalLoss)}. " +
                      "One example's loss is much sharper than the average over all of them (its curvature is not averaged away), so a step size that is stable for the averaged gradient overshoots on single examples and the error compounds."
                    : $"Mean loss, same lr ({Format(sgd.LearningRate)}): SGD ends at {Format(sgd.FinalLoss)} vs full batch {Format(full.FinalLoss)} — the same step size applied to a gradient about {Math.Sqrt(n):0.#}× noisier (standard deviation) keeps it bouncing around the minimum.";
                foreach (var scaled in runs.Skip(3))
                {
                    double epochs = scaled.EpochsCompleted;
                    if (scaled.Regime.Scaling == LearningRateScaling.Linear)
                    {
                        meanLinear = scaled;
                        double fullAtSameEpochs = LossAtEpoch(full, epochs);
                        yield return $"Fix {scaled.Regime.Name[..3]}, linear rule: lr × b/N = {Format(scaled.LearningRate)} makes SGD stable (final {Format(scaled.FinalLoss)} after {epochs:0.#} epochs). " +
                            $"Per example seen it is {(scaled.FinalLoss <= fullAtSameEpochs ? "at least as efficient as" : "close to")} full batch, which after the same {epochs:0.#} epochs is at {Format(fullAtSameEpochs)}; " +
                            $"per optimizer step it cannot keep up, since it sees one example per step where full batch sees {n}.";
                    }
                    else
                    {
                        yield return $"Fix {scaled.Regime.Name[..3]}, square-root rule: lr × √(b/N) = {Format(scaled.LearningRate)} " +
                            (scaled.DivergedAtStep is { } s ? $"still diverges (step {s}): here the noise, not the mean step, is the limit." : $"is stable and, at final {Format(scaled.FinalLoss)}, gets further than the linear rule in the same {epochs:0.#} epochs by accepting more gradient noise per step.");
                    }
                }
            }
            else
            {
                yield return $"**Sum loss, same lr ({Format(sgd.LearningRate)}): SGD is almost flat** — final loss {Format(sgd.FinalLoss)} vs full batch {Format(full.FinalLoss)}. " +
                    $"Summing makes the full-batch gradient {n}× larger than one example's, so the same optimizer lr is an effective {Format(full.EffectiveLearningRate)} for full batch but only {Format(sgd.EffectiveLearningRate)} for b=1" +
                    (meanLinear is null ? "." : $": this run is the mean-loss linear-rule run in disguise (final {Format(sgd.FinalLoss)} vs {Format(meanLinear.FinalLoss)}).");
            }
        }
        yield return "What to do: define the loss as the **mean** over the batch (so the learning rate means the same thing at every batch size), and when changing the batch size from B to b scale the learning rate by b/B (linear rule, Goyal et al. 2017, with a warm-up for large b) or by √(b/B) (Krizhevsky 2014, which keeps the per-step noise variance constant). A summed loss builds the linear rule in silently, which is why the same lr looks flat for SGD.";
    }

    private static double LossAtEpoch(BatchSizeRun run, double epoch)
    {
        var point = run.Curve.Evaluations.Where(p => double.IsFinite(p.Value)).MinBy(p => Math.Abs(p.Epoch - epoch));
        return point == default ? double.NaN : point.Value;
    }

    private static StudyData LoadData(CurvesSettings settings)
    {
        if (settings.Dataset == "synthetic") return StudyData.SyntheticRegression(settings.Examples, settings.Inputs, settings.Outputs);
        using var mnist = Mnist.Load(settings.DataDirectory, MnistSplit.Train);
        if (settings.Examples > mnist.Count) throw new LatentException($"--examples {settings.Examples} exceeds the {mnist.Count} training images");
        var subset = mnist.Take(settings.Examples);
        return new StudyData(subset.Images.clone(), subset.Labels.clone(), StudyTask.Classification, 10);
    }

    private static LineChart Chart(IReadOnlyList<BatchSizeRun> runs, string title, string xLabel, Func<CurvePoint, double> x)
    {
        double start = runs.SelectMany(r => r.Curve.Evaluations.Take(1)).Select(p => p.Value).Where(double.IsFinite).DefaultIfEmpty(1).Max();
        var chart = new LineChart(title, xLabel, "full-data loss") { LogY = true, MaxY = start * 10 };
        foreach (var run in runs)
            chart.Add(run.Regime.Name, run.Curve.Evaluations.Select(x).ToList(), run.Curve.Evaluations.Select(p => p.Value).ToList());
        return chart;
    }

    private static string WriteCsv(string path, IEnumerable<BatchSizeRun> runs)
    {
        var text = new StringBuilder("run,series,step,epoch,value\n");
        foreach (var run in runs) run.Curve.AppendCsv(text, $"{run.Reduction.ToString().ToLowerInvariant()} {run.Regime.Name} lr={Format(run.LearningRate)}");
        AtomicFile.WriteText(path, text.ToString());
        return path;
    }

    private static string Describe(LossReduction reduction) => reduction == LossReduction.Mean ? "Mean loss" : "Summed loss";

    private static string Format(double value) => double.IsFinite(value) ? value.ToString("G3", CultureInfo.InvariantCulture) : "diverged";
}
