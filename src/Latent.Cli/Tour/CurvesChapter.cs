using Latent.Studies;
using Latent.Training;

namespace Latent.Cli.Tour;

/// <summary>The SGD / mini-batch / full-batch chapter: the four regimes under mean and summed losses, and why the same learning rate is flat or diverges for SGD.</summary>
public sealed class CurvesChapter : ITourChapter
{
    /// <inheritdoc />
    public string Name => "curves";

    /// <inheritdoc />
    public string Title => "SGD vs mini-batch vs full batch: why batch size changes the effective learning rate";

    /// <inheritdoc />
    public void Run(ChapterContext context)
    {
        var data = StudyData.SyntheticRegression();
        var options = new BatchSizeStudyOptions { Steps = context.Scaled(1000, 10), Seed = context.Seed };
        var runs = context.Ui.Progress(_ => BatchSizeStudy.Compare(data, options, [LossReduction.Mean, LossReduction.Sum]));
        var png = BatchSizeStudyFigures.SavePng(context.PathFor("curves.png"), runs);
        foreach (var path in new[] { BatchSizeStudyFigures.WriteCsv(context.PathFor("curves.csv"), runs), png }) context.Ui.Wrote(path);
        var (full, sgd, linear, sumSgd) = (runs[0], runs[2], runs.First(r => r.Regime.Scaling == LearningRateScaling.Linear), runs.Last(r => r.Regime.BatchSize == 1));

        var report = context.Report.Heading(Title);
        report.Paragraph($"Setup: an MLP {data.InputSize}-{options.Hidden[0]}-{options.Hidden[1]}-{data.Outputs} trained by plain SGD on {data.Count} synthetic regression examples " +
            $"(a fixed random teacher network plus noise), every regime from the same initial weights for {options.Steps} steps; the curve is the loss on all {data.Count} examples.");
        report.Image(png, "Full-data training loss (log10) of every regime, by optimizer step and by epoch; a line that stops has diverged.");
        report.Table(["run", "optimizer lr", "effective lr", "epochs run", "final loss", "diverged at step"], runs.Select(r => (IReadOnlyList<string>)
            [BatchSizeStudyFigures.Name(r), $"{r.LearningRate:G3}", $"{r.EffectiveLearningRate:G3}", $"{r.EpochsCompleted:0.#}", $"{r.FinalLoss:G3}", $"{r.DivergedAtStep}"]));
        report.Bullets([
            sgd.DivergedAtStep is { } step
                ? $"Mean loss, same lr: SGD diverges at step {step} while full batch reaches {full.FinalLoss:G3}; one example's loss is sharper than the average, so a step size stable for the averaged gradient overshoots."
                : $"Mean loss, same lr: SGD ends at {sgd.FinalLoss:G3} against full batch {full.FinalLoss:G3}; the same step on a gradient about {Math.Sqrt(data.Count):0.#}× noisier keeps it bouncing.",
            $"Linear rule lr × b/N = {linear.LearningRate:G3} makes SGD stable (final {linear.FinalLoss:G3} after {linear.EpochsCompleted:0.#} epochs), but per optimizer step it sees one example where full batch sees {data.Count}.",
            $"Sum loss, same lr: SGD is almost flat (final {sumSgd.FinalLoss:G3}); summing makes the full-batch gradient {data.Count}× one example's, so the same lr is an effective {runs.First(r => r.Reduction == LossReduction.Sum).EffectiveLearningRate:G3} for full batch but {sumSgd.EffectiveLearningRate:G3} for b = 1 — the linear rule in disguise.",
            "What to do: take the mean over the batch, and when changing the batch size from B to b scale the learning rate by b/B (Goyal et al. 2017, with warm-up) or √(b/B) (Krizhevsky 2014).",
        ]);
    }
}
