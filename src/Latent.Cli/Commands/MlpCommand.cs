using Latent.Nn;
using Latent.Training;

namespace Latent.Cli.Commands;

/// <summary>`latent mlp`: trains an MLP classifier on any labelled data set through the trainer, with checkpoints and --resume.</summary>
public sealed class MlpCommand : ICliCommand
{
    /// <inheritdoc />
    public Command Build(ConsoleUi ui)
    {
        var d = MlpClassifierOptions.Default;
        var (common, data) = (new CommonOptions(), new DataOptionSet());
        var epochs = CliOptions.Int("--epochs", d.Epochs, "passes over the training set");
        var batchSize = CliOptions.Int("--batch-size", d.BatchSize, "examples per step");
        var lr = CliOptions.PositiveDouble("--lr", d.LearningRate, "learning rate");
        var optimizer = CliOptions.Choice("--optimizer", OptimizerSettings.NameOf(d.Optimizer), "optimizer", OptimizerSettings.Registry);
        var hidden = CliOptions.Widths("--hidden", string.Join(",", d.Hidden), "hidden layer widths");
        var examples = CliOptions.OptionalCount<long>("--examples", "train on the first N training examples (default: all)");
        var patience = CommonOptions.Patience("loss");
        var validation = CliOptions.UnitFraction("--validation", d.ValidationFraction, "share of the training examples held out for the validation loss --patience watches (used only with it)");
        var resume = CommonOptions.Resume();

        var command = new Command("mlp", "Train an MLP classifier on your data (checkpoints every epoch; --resume continues a killed run).");
        foreach (var option in new Option[] { epochs, batchSize, lr, optimizer, hidden, examples, patience, validation, resume, common.NoTensorBoard, common.Device }) command.Options.Add(option);
        data.AddTo(command);
        common.AddTo(command);
        command.SetAction(result =>
        {
            var (outDir, seed) = common.Start(ui, result, "mlp");
            using var dataset = DatasetLoader.Load(data.Read(result, seed));
            using var model = MlpClassifier.For(dataset, new MlpClassifierOptions
            {
                Hidden = result.GetValue(hidden)!, Epochs = result.GetValue(epochs), BatchSize = result.GetValue(batchSize), LearningRate = result.GetValue(lr),
                Optimizer = OptimizerSettings.Registry[result.GetValue(optimizer)!], Examples = result.GetValue(examples), Seed = seed, Device = result.GetValue(common.Device)!,
                Patience = result.GetValue(patience), ValidationFraction = result.GetValue(validation),
            });
            var log = common.OpenRunLog(result, outDir);
            var checkpoint = Path.Combine(outDir, "checkpoint.bin");
            var curve = ui.Progress(progress =>
            {
                var bar = progress.AddTask($"mlp {model.Describe()}", maxValue: 1);
                return model.Fit(dataset, p => (bar.MaxValue, bar.Value) = (p.TotalSteps, p.Step), checkpoint, result.GetValue(resume), ui.Stop, log);
            });
            if (curve.EarlyStop?.Describe() is { } stopped) ui.Info(stopped);
            var csv = Path.Combine(outDir, "curve.csv");
            curve.WriteCsv(csv);
            var png = LearningCurveFigure.SavePng(Path.Combine(outDir, "curve.png"), curve, "cross-entropy", "test accuracy");
            var modelDir = Path.Combine(outDir, "model");
            model.Save(modelDir);
            string[] kept = [checkpoint, csv, png, modelDir, .. log is null ? Array.Empty<string>() : [log.Directory]];
            ui.Info($"evaluating on {dataset.Test.Count} test examples");
            var evaluation = Interruption.Finishing(kept, "metrics.json", Interruption.Resume(result, outDir), () => model.Evaluate(dataset.Test, ui.Stop));
            var metrics = curve.WithStopMetrics(evaluation.ToDictionary());
            log?.Metrics(metrics, curve.Steps.Count);
            ui.Info($"test accuracy {evaluation.Accuracy:P2}, NLPD {evaluation.Nlpd:G4} nats, ECE {evaluation.Ece:G3}");
            foreach (var path in kept.Append(MetricsFile.Write(outDir, metrics))) ui.Wrote(path);
            return ExitCodes.Success;
        });
        return command;
    }
}
