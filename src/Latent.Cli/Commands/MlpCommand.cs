using System.CommandLine;
using System.Globalization;
using Latent.Cli.Infrastructure;
using Latent.Data;
using Latent.IO;
using Latent.Nn;
using Latent.Reporting;
using Latent.Training;
using static TorchSharp.torch;

namespace Latent.Cli.Commands;

/// <summary>`latent mlp`: trains an MLP classifier on any MNIST-format data set through the trainer, with checkpoints and --resume.</summary>
public sealed class MlpCommand : ICliCommand
{
    /// <inheritdoc />
    public Command Build(ConsoleUi ui)
    {
        var common = new CommonOptions();
        var epochs = CliOptions.Int("--epochs", 5, "passes over the training set");
        var batchSize = CliOptions.Int("--batch-size", 128, "examples per step");
        var lr = CliOptions.PositiveDouble("--lr", 1e-3, "learning rate");
        var optimizer = CliOptions.Choice("--optimizer", "adam", "optimizer", "sgd", "momentum", "adam");
        var hidden = CliOptions.Widths("--hidden", "256,128", "hidden layer widths");
        var examples = CliOptions.Int("--examples", 60_000, "use the first N training images");
        var data = CliOptions.ExistingDirectory("--data", "MNIST-format directory (default: embedded MNIST)");
        var resume = new Option<bool>("--resume") { Description = "continue from OUT/checkpoint.bin, written after every epoch" };

        var command = new Command("mlp", "Train an MLP classifier on MNIST-format data (checkpoints every epoch; --resume continues a killed run).");
        foreach (var option in new Option[] { epochs, batchSize, lr, optimizer, hidden, examples, data, resume }) command.Options.Add(option);
        common.AddTo(command);
        command.SetAction(result =>
        {
            LatentRuntime.Initialize();
            var outDir = common.ResolveOut(result, "mlp");
            using var train = Mnist.Load(result.GetValue(data), MnistSplit.Train);
            using var test = Mnist.Load(result.GetValue(data), MnistSplit.Test);
            var subset = train.Take(result.GetValue(examples));
            RunSeed.Apply(result.GetValue(common.Seed));
            var widths = new List<int> { subset.Rows * subset.Columns };
            widths.AddRange(result.GetValue(hidden)!);
            widths.Add(10);
            using var model = new Mlp(widths);
            var settings = new OptimizerSettings(result.GetValue(optimizer) switch
            {
                "sgd" => OptimizerKind.Sgd,
                "momentum" => OptimizerKind.Momentum,
                _ => OptimizerKind.Adam,
            }, result.GetValue(lr));
            var checkpoint = Path.Combine(outDir, "checkpoint.bin");
            int totalEpochs = result.GetValue(epochs);
            var curve = ui.Progress(progress =>
            {
                var bar = progress.AddTask($"mlp {string.Join("-", widths)} {settings}", maxValue: 1);
                var trainer = new Trainer(model, settings, new TrainerOptions
                {
                    Epochs = totalEpochs,
                    BatchSize = result.GetValue(batchSize),
                    Seed = result.GetValue(common.Seed),
                    CheckpointPath = checkpoint,
                    Resume = result.GetValue(resume),
                })
                {
                    Evaluate = () => Accuracy(model, test),
                    Progress = p => { bar.MaxValue = p.TotalSteps; bar.Value = p.Step; },
                };
                return trainer.Fit(subset.Count, indices =>
                    nn.functional.cross_entropy(model.forward(subset.Images.index_select(0, indices)), subset.Labels.index_select(0, indices)));
            });

            var csv = Path.Combine(outDir, "curve.csv");
            curve.WriteCsv(csv);
            var png = Figure.SavePng(Path.Combine(outDir, "curve.png"), new IChart[]
            {
                new LineChart("training loss", "epoch", "cross-entropy").Add("batch loss", curve.Steps.Select(p => p.Epoch).ToList(), curve.Steps.Select(p => p.Value).ToList())
                    .Add("epoch mean", curve.Epochs.Select(p => p.Epoch).ToList(), curve.Epochs.Select(p => p.Value).ToList()),
                new LineChart("test accuracy", "epoch", "accuracy").Add("test", curve.Evaluations.Select(p => p.Epoch).ToList(), curve.Evaluations.Select(p => p.Value).ToList()),
            }, 2);
            var modelPath = Path.Combine(outDir, "model.bin");
            AtomicFile.WriteStream(modelPath, stream => model.save(stream));
            var accuracy = curve.Evaluations.Count > 0 ? curve.Evaluations[^1].Value : Accuracy(model, test);
            ui.Info($"test accuracy after {totalEpochs} epochs: {accuracy.ToString("P2", CultureInfo.InvariantCulture)}");
            foreach (var path in new[] { checkpoint, csv, png, modelPath }) ui.Wrote(path);
            return ExitCodes.Success;
        });
        return command;
    }

    private static double Accuracy(Mlp model, MnistData test)
    {
        using var scope = NewDisposeScope();
        using var noGrad = no_grad();
        var predicted = model.forward(test.Images).argmax(1);
        return predicted.eq(test.Labels).to(ScalarType.Float64).mean().item<double>();
    }

}
