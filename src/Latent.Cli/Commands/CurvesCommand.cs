using Latent.Reporting;
using Latent.Studies;
using Latent.Training;

namespace Latent.Cli.Commands;

/// <summary>`latent curves`: learning curves of full batch, mini-batch and SGD on the synthetic regression set or on your labelled data.</summary>
public sealed class CurvesCommand : ICliCommand
{
    /// <inheritdoc />
    public bool HonoursStop => false;

    /// <inheritdoc />
    public Command Build(ConsoleUi ui)
    {
        var d = new BatchSizeStudyOptions();
        var (common, data) = (new CommonOptions(), new DataOptionSet());
        var dataset = CliOptions.Choice("--dataset", "synthetic", "training set without --data: the synthetic regression set, or the embedded MNIST", "synthetic", "mnist");
        var examples = CliOptions.OptionalCount<long>("--examples", "training examples (synthetic: generated, default 50; data: the first N, default all)");
        var steps = CliOptions.Int("--steps", d.Steps, "optimizer steps per regime");
        var lr = CliOptions.PositiveDouble("--lr", d.LearningRate, "full-batch learning rate for the mean loss (the summed loss uses lr/N, the same full-batch update)");
        var miniBatch = CliOptions.Int("--batch-size", d.MiniBatchSize, "mini-batch size of regime (b)");
        var scaling = CliOptions.Choice("--scaling", "both", "learning-rate rules of the scaled SGD regimes", "linear", "sqrt", "both");
        var reduction = CliOptions.Choice("--reduction", "both", "how per-example losses form the batch loss", "mean", "sum", "both");

        var command = new Command("curves", "Learning curves of full batch, mini-batch and SGD at the same and at a scaled learning rate, on any labelled data (--data).");
        foreach (var option in new Option[] { dataset, examples, steps, lr, miniBatch, scaling, reduction, common.Device }) command.Options.Add(option);
        data.AddTo(command);
        common.AddTo(command);
        command.SetAction(result =>
        {
            LatentRuntime.Initialize();
            var (seed, outDir, cap) = (result.GetValue(common.Seed), common.ResolveOut(result, "curves"), result.GetValue(examples));
            StudyData study;
            if (result.GetValue(data.Data) is null && result.GetValue(dataset) == "synthetic") study = cap is { } n ? StudyData.SyntheticRegression((int)n) : StudyData.SyntheticRegression();
            else using (var loaded = DatasetLoader.Load(data.Read(result, seed))) study = StudyData.FromDataset(loaded, cap);
            var options = d with
            {
                Steps = result.GetValue(steps), LearningRate = result.GetValue(lr), MiniBatchSize = result.GetValue(miniBatch), Seed = seed, Device = result.GetValue(common.Device)!,
                ScalingRules = result.GetValue(scaling) switch { "linear" => [LearningRateScaling.Linear], "sqrt" => [LearningRateScaling.Sqrt], _ => d.ScalingRules },
            };
            LossReduction[] reductions = result.GetValue(reduction) switch { "mean" => [LossReduction.Mean], "sum" => [LossReduction.Sum], _ => [LossReduction.Mean, LossReduction.Sum] };
            var runs = ui.Progress(progress =>
            {
                var bar = progress.AddTask($"{study.Count} examples, {study.InputSize} inputs", maxValue: options.Steps * reductions.Sum(r => r == LossReduction.Mean ? 3 + options.ScalingRules.Count : 3));
                var all = BatchSizeStudy.Compare(study, options, reductions, (_, _) => bar.Increment(1));
                bar.Value = bar.MaxValue;
                return all;
            });
            var report = new ReportDocument(outDir, "Latent: SGD vs mini-batch vs full batch");
            report.Image(BatchSizeStudyFigures.SavePng(Path.Combine(outDir, "curves.png"), runs), "Full-data training loss (log10) of every regime by optimizer step and by epoch; a line that stops has diverged.");
            report.Table(["run", "batch", "optimizer lr", "effective lr", "epochs run", "final loss", "diverged at step"], runs.Select(r => (IReadOnlyList<string>)
                [BatchSizeStudyFigures.Name(r), $"{r.Regime.BatchSize}", $"{r.LearningRate:G3}", $"{r.EffectiveLearningRate:G3}", $"{r.EpochsCompleted:0.#}", $"{r.FinalLoss:G3}", $"{r.DivergedAtStep}"]));
            var (markdown, html) = report.Save();
            foreach (var path in new[] { BatchSizeStudyFigures.WriteCsv(Path.Combine(outDir, "curves.csv"), runs), Path.Combine(outDir, "curves.png"), markdown, html }) ui.Wrote(path);
            return ExitCodes.Success;
        });
        return command;
    }
}
