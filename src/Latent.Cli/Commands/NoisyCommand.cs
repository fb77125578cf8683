using System.CommandLine;
using Latent.Cli.Infrastructure;
using Latent.Cli.Tour;
using Latent.Noisy;
using Latent.Reporting;

namespace Latent.Cli.Commands;

/// <summary>`latent noisy train`: trains classifiers on MNIST with injected label noise, with and without a learned noise layer Q.</summary>
public sealed class NoisyCommand : ICliCommand
{
    private static readonly Dictionary<string, NoiseModel> Models = new()
    {
        ["none"] = NoiseModel.None,
        ["softmax"] = NoiseModel.Softmax,
        ["project"] = NoiseModel.Project,
        ["forward"] = NoiseModel.Forward,
        ["forward-true"] = NoiseModel.ForwardKnown,
    };

    /// <inheritdoc />
    public Command Build(ConsoleUi ui)
    {
        var common = new CommonOptions();
        var noise = new Option<string>("--noise") { Description = "injected noise: symmetric:RATE, pairflip:RATE (MNIST 2→7, 3→8, 5↔6, 7→1), none, or a CSV file of T (rows noisy label, columns true label)", DefaultValueFactory = _ => "symmetric:0.5" };
        var models = new Option<string[]>("--q")
        {
            Description = $"noise models to train, one or more of {string.Join("|", Models.Keys)}",
            AllowMultipleArgumentsPerToken = true,
            DefaultValueFactory = _ => new[] { "none", "softmax", "project", "forward" },
        };
        models.Validators.Add(result =>
        {
            foreach (var name in result.GetValueOrDefault<string[]>() ?? Array.Empty<string>())
                if (!Models.ContainsKey(name)) result.AddError($"--q: unknown noise model '{name}'; known: {string.Join(", ", Models.Keys)}");
        });
        var traceReg = CliOptions.NonNegativeDouble("--trace-reg", 0.05, "weight of the tr(Q) regularizer (0 = off)");
        var epochs = CliOptions.Int("--epochs", 10, "epochs per noise model");
        var examples = CliOptions.Int("--examples", 60_000, "training images used (the first N)");
        var architecture = CliOptions.Choice("--arch", "cnn", "base classifier", "cnn", "mlp");
        var batchSize = CliOptions.Int("--batch-size", 128, "examples per optimizer step");
        var lr = CliOptions.PositiveDouble("--lr", 1e-3, "Adam learning rate of the classifier");
        var weightDecay = CliOptions.NonNegativeDouble("--weight-decay", 0, "L2 penalty on the classifier's weights (Adam weight_decay)");
        var qOptimizer = CliOptions.Choice("--q-optimizer", "auto", "optimizer of Q (auto: SGD for the projected Q as in Sukhbaatar et al., Adam for the softmax W)", "auto", "adam", "sgd");
        var qLrSgd = CliOptions.PositiveDouble("--q-lr-sgd", 0.05, "learning rate of Q when trained by SGD");
        var qLrAdam = CliOptions.PositiveDouble("--q-lr-adam", 0.02, "learning rate of Q (or W) when trained by Adam");
        var frozen = CliOptions.Int("--frozen-epochs", 1, "epochs at the start with Q held at its initial value", minimum: 0);
        var estimation = CliOptions.Int("--estimation-epochs", 2, "uncorrected epochs whose confident predictions estimate T for --q forward");
        var measure = new Option<bool>("--measure-adam") { Description = "also train the projected Q with Adam and measure Adam's moments against the projection" };
        var validation = CliOptions.UnitFraction("--validation", 0.1, "share of the noisy training images held out to pick the epoch by noisy-label validation loss (0 = keep the last epoch)");
        var average = CliOptions.UnitFraction("--ema", 0, "decay of the moving averages of the classifier's weights and of Q that are evaluated and kept (0 = off)");
        var data = CliOptions.ExistingDirectory("--data", "MNIST-format directory (default: embedded MNIST)");

        var train = new Command("train", "Train on MNIST with injected label noise; report clean-test accuracy per epoch, learned Q vs true T, and a results table.");
        foreach (var option in new Option[] { noise, models, traceReg, epochs, examples, architecture, batchSize, lr, weightDecay, qOptimizer, qLrSgd, qLrAdam, frozen, estimation, measure, validation, average, data }) train.Options.Add(option);
        common.AddTo(train);
        train.SetAction(result =>
        {
            ui.Info(LatentRuntime.Initialize());
            var outDir = common.ResolveOut(result, "noisy");
            var settings = new NoisySettings
            {
                Noise = result.GetValue(noise)!,
                Models = result.GetValue(models)!.Distinct().Select(name => Models[name]).ToList(),
                TraceWeight = result.GetValue(traceReg),
                Epochs = result.GetValue(epochs),
                Examples = result.GetValue(examples),
                Architecture = result.GetValue(architecture)!,
                BatchSize = result.GetValue(batchSize),
                LearningRate = result.GetValue(lr),
                WeightDecay = result.GetValue(weightDecay),
                TransitionOptimizer = result.GetValue(qOptimizer)!,
                TransitionSgdLearningRate = result.GetValue(qLrSgd),
                TransitionAdamLearningRate = result.GetValue(qLrAdam),
                FrozenEpochs = result.GetValue(frozen),
                EstimationEpochs = result.GetValue(estimation),
                MeasureOptimizerState = result.GetValue(measure),
                ValidationFraction = result.GetValue(validation),
                AverageDecay = result.GetValue(average) is > 0 and var decay ? decay : null,
                DataDirectory = result.GetValue(data),
            };
            var report = new ReportDocument(outDir, "Latent: training with noisy labels");
            new NoisyChapter().Run(new ChapterContext(outDir, report, result.GetValue(common.Seed), 1.0, ui), settings);
            var (markdown, html) = report.Save();
            ui.Wrote(markdown);
            ui.Wrote(html);
            return ExitCodes.Success;
        });
        var command = new Command("noisy", "Training with noisy labels: a learned label-transition matrix Q kept column-stochastic (seed S4).");
        command.Subcommands.Add(train);
        return command;
    }
}
