using System.CommandLine;
using Latent.Cli.Infrastructure;
using Latent.Cli.Tour;
using Latent.Reporting;
using Latent.Studies;
using Latent.Training;

namespace Latent.Cli.Commands;

/// <summary>`latent curves`: the SGD / mini-batch / full-batch learning-curve study with its report.</summary>
public sealed class CurvesCommand : ICliCommand
{
    /// <inheritdoc />
    public Command Build(ConsoleUi ui)
    {
        var common = new CommonOptions();
        var dataset = CliOptions.Choice("--dataset", "synthetic", "training set", "synthetic", "mnist");
        var examples = CliOptions.Int("--examples", 50, "training examples (synthetic: generated; mnist: the first N images)");
        var inputs = CliOptions.Int("--inputs", 10, "synthetic input features");
        var outputs = CliOptions.Int("--outputs", 20, "synthetic outputs");
        var steps = CliOptions.Int("--steps", 1000, "optimizer steps per regime");
        var lr = CliOptions.PositiveDouble("--lr", 2.0, "full-batch learning rate for the mean loss (the summed loss uses lr/N, the same full-batch update)");
        var miniBatch = CliOptions.Int("--batch-size", 10, "mini-batch size of regime (b)");
        var scaling = CliOptions.Choice("--scaling", "both", "learning-rate rules of the scaled SGD regimes", "linear", "sqrt", "both");
        var reduction = CliOptions.Choice("--reduction", "both", "how per-example losses form the batch loss", "mean", "sum", "both");
        var data = CliOptions.ExistingDirectory("--data", "MNIST-format directory for --dataset mnist (default: embedded MNIST)");

        var command = new Command("curves", "Learning curves of full batch, mini-batch and SGD at the same and at a scaled learning rate (seed S5).");
        foreach (var option in new Option[] { dataset, examples, inputs, outputs, steps, lr, miniBatch, scaling, reduction, data }) command.Options.Add(option);
        common.AddTo(command);
        command.SetAction(result =>
        {
            LatentRuntime.Initialize();
            var outDir = common.ResolveOut(result, "curves");
            var settings = new CurvesSettings
            {
                Dataset = result.GetValue(dataset)!,
                Examples = result.GetValue(examples),
                Inputs = result.GetValue(inputs),
                Outputs = result.GetValue(outputs),
                Steps = result.GetValue(steps),
                LearningRate = result.GetValue(lr),
                MiniBatchSize = result.GetValue(miniBatch),
                ScalingRules = result.GetValue(scaling) switch
                {
                    "linear" => new[] { LearningRateScaling.Linear },
                    "sqrt" => new[] { LearningRateScaling.Sqrt },
                    _ => new[] { LearningRateScaling.Linear, LearningRateScaling.Sqrt },
                },
                Reductions = result.GetValue(reduction) switch
                {
                    "mean" => new[] { LossReduction.Mean },
                    "sum" => new[] { LossReduction.Sum },
                    _ => new[] { LossReduction.Mean, LossReduction.Sum },
                },
                DataDirectory = result.GetValue(data),
            };
            var report = new ReportDocument(outDir, "Latent: SGD vs mini-batch vs full batch");
            new CurvesChapter().Run(new ChapterContext(outDir, report, result.GetValue(common.Seed), 1.0, ui), settings);
            var (markdown, html) = report.Save();
            ui.Wrote(markdown);
            ui.Wrote(html);
            return ExitCodes.Success;
        });
        return command;
    }
}
