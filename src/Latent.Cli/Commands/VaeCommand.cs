using System.CommandLine;
using System.Globalization;
using Latent.Cli.Infrastructure;
using Latent.Cli.Tour;
using Latent.Data;
using Latent.Reporting;
using Latent.Vae;
using static TorchSharp.torch;

namespace Latent.Cli.Commands;

/// <summary>`latent vae train|eval|sample`: variational autoencoders on any MNIST-format data set.</summary>
public sealed class VaeCommand : ICliCommand
{
    /// <inheritdoc />
    public Command Build(ConsoleUi ui)
    {
        var command = new Command("vae", "Variational autoencoders (Bernoulli or Gaussian decoders, ELBO or IWAE objective) on MNIST-format data.");
        command.Subcommands.Add(BuildTrain(ui));
        command.Subcommands.Add(BuildEval(ui));
        command.Subcommands.Add(BuildSample(ui));
        return command;
    }

    private static Command BuildTrain(ConsoleUi ui)
    {
        var common = new CommonOptions();
        var latent = CliOptions.Int("--latent", 20, "latent dimensions");
        var hidden = CliOptions.Widths("--hidden", "400", "encoder hidden layer widths (the decoder mirrors them)");
        var decoder = CliOptions.Choice("--decoder", "bernoulli", "decoder p(x|z)", "bernoulli", "gaussian-fixed", "gaussian-learned");
        var sigma = CliOptions.PositiveDouble("--sigma", 0.1, "noise standard deviation of the gaussian-fixed decoder");
        var floor = CliOptions.PositiveDouble("--variance-floor", 1e-3, "smallest variance of the gaussian-learned decoder");
        var objective = new Option<string>("--objective") { Description = "training objective: elbo, elbo:L (L samples of z per image) or iwae:K", DefaultValueFactory = _ => "elbo" };
        objective.Validators.Add(result =>
        {
            try { IVaeObjective.Parse(result.GetValueOrDefault<string>() ?? ""); }
            catch (LatentException e) { result.AddError($"--objective: {e.Message}"); }
        });
        var binarization = BinarizationOption();
        var average = CliOptions.UnitFraction("--ema", 0.998, "decay of the moving average of the weights used for evaluation and kept in the saved model (0 = off)");
        var biasInit = CliOptions.Choice("--bias-init", "data-mean", "decoder output bias at start: data-mean (logit of the mean training image) or default", "data-mean", "default");
        var epochs = CliOptions.Int("--epochs", 10, "passes over the training set");
        var batchSize = CliOptions.Int("--batch-size", 128, "examples per step");
        var lr = CliOptions.PositiveDouble("--lr", 1e-3, "Adam learning rate");
        var examples = CliOptions.Int("--examples", 60_000, "use the first N training images");
        var iwaeK = CliOptions.Int("--iwae-k", 1000, "importance samples of the test log-likelihood estimate (0: skip)", minimum: 0);
        var iwaeExamples = CliOptions.Int("--iwae-examples", 1000, "test images the IWAE estimate averages over");
        var data = CliOptions.ExistingDirectory("--data", "MNIST-format directory (default: embedded MNIST)");
        var resume = new Option<bool>("--resume") { Description = "continue from OUT/checkpoint.bin, written after every epoch" };

        var command = new Command("train", "Train a VAE; writes the model, learning curves, test ELBO and IWAE log-likelihood, reconstructions, prior samples (and for a 2-D latent the manifold and latent scatter).");
        foreach (var option in new Option[] { latent, hidden, decoder, sigma, floor, objective, binarization, average, biasInit, epochs, batchSize, lr, examples, iwaeK, iwaeExamples, data, resume })
            command.Options.Add(option);
        common.AddTo(command);
        command.SetAction(result =>
        {
            ui.Info(LatentRuntime.Initialize());
            var outDir = common.ResolveOut(result, "vae-train");
            long seed = result.GetValue(common.Seed);
            using var train = Mnist.Load(result.GetValue(data), MnistSplit.Train);
            using var test = Mnist.Load(result.GetValue(data), MnistSplit.Test);
            var settings = new VaeRunSettings
            {
                Architecture = new VaeArchitecture(train.Rows * train.Columns, result.GetValue(hidden)!, result.GetValue(latent),
                    VaeArchitecture.ParseDecoder(result.GetValue(decoder)!), result.GetValue(sigma), result.GetValue(floor)),
                Objective = IVaeObjective.Parse(result.GetValue(objective)!),
                Binarization = ParseBinarization(result.GetValue(binarization)!),
                Epochs = result.GetValue(epochs),
                BatchSize = result.GetValue(batchSize),
                LearningRate = result.GetValue(lr),
                Examples = result.GetValue(examples),
                IwaeSamples = result.GetValue(iwaeK),
                IwaeExamples = result.GetValue(iwaeExamples),
                CheckpointPath = Path.Combine(outDir, "checkpoint.bin"),
                Resume = result.GetValue(resume),
                DataMeanBias = result.GetValue(biasInit) == "data-mean",
                AverageDecay = result.GetValue(average) is > 0 and var decay ? decay : null,
            };
            var testImages = VaeRun.PrepareTest(test, settings.Binarization, seed);
            var run = VaeRun.Train(ui, "vae", settings, train, testImages, seed);

            var modelPath = Path.Combine(outDir, "model.vae");
            VaeCheckpoint.Save(modelPath, settings.Architecture, run.Model);
            var report = new ReportDocument(outDir, $"Latent: VAE {settings.Architecture}");
            var written = new List<string> { modelPath, settings.CheckpointPath };
            written.AddRange(VaeChapter.DescribeRun(report, outDir, run, test, seed));
            var (markdown, html) = report.Save();
            written.Add(markdown);
            written.Add(html);
            ui.Info($"test -ELBO {Nats(run.TestNegativeElbo)} nats" + (run.TestLogLikelihood is { } ll ? $", IWAE k={settings.IwaeSamples} log-likelihood {Nats(ll)} nats on {Math.Min(settings.IwaeExamples, testImages.shape[0])} test images" : ""));
            foreach (var path in written) ui.Wrote(path);
            return ExitCodes.Success;
        });
        return command;
    }

    private static Command BuildEval(ConsoleUi ui)
    {
        var common = new CommonOptions();
        var model = ModelOption();
        var binarization = BinarizationOption();
        var iwaeK = CliOptions.Int("--iwae-k", 5000, "importance samples per image (Burda et al. 2016 use 5000)");
        var examples = CliOptions.Int("--examples", 10_000, "evaluate on the first N test images");
        var data = CliOptions.ExistingDirectory("--data", "MNIST-format directory (default: embedded MNIST)");
        var command = new Command("eval", "Estimate the test log-likelihood of a trained VAE with the importance-weighted bound (and its test -ELBO).");
        foreach (var option in new Option[] { model, binarization, iwaeK, examples, data }) command.Options.Add(option);
        common.AddTo(command);
        command.SetAction(result =>
        {
            ui.Info(LatentRuntime.Initialize());
            var outDir = common.ResolveOut(result, "vae-eval");
            long seed = result.GetValue(common.Seed);
            var (architecture, vae) = VaeCheckpoint.Load(result.GetValue(model)!);
            using var test = Mnist.Load(result.GetValue(data), MnistSplit.Test);
            var images = VaeRun.PrepareTest(test, ParseBinarization(result.GetValue(binarization)!), seed);
            images = images.narrow(0, 0, Math.Min(result.GetValue(examples), images.shape[0]));
            int k = result.GetValue(iwaeK);
            using var generator = new TorchSharp.torch.Generator((ulong)seed);
            double negativeElbo = VaeTraining.NegativeElbo(vae, images, generator);
            double logLikelihood = ui.Progress(progress =>
            {
                var bar = progress.AddTask($"IWAE log-likelihood, k={k}", maxValue: images.shape[0]);
                return VaeTraining.LogLikelihood(vae, images, k, generator, done => bar.Value = done);
            });
            var report = new ReportDocument(outDir, $"Latent: VAE evaluation of {Path.GetFileName(result.GetValue(model))}");
            report.Table(new[] { "model", "test images", "test -ELBO (nats)", $"IWAE k={k} log p(x) (nats)" },
                new[] { (IReadOnlyList<string>)new[] { architecture.ToString(), images.shape[0].ToString(CultureInfo.InvariantCulture), Nats(negativeElbo), Nats(logLikelihood) } });
            report.Paragraph("Reference (dynamically binarized MNIST, one stochastic layer, Burda et al. 2016, k = 5000): VAE −86.76, IWAE (k = 50) −84.78 nats.");
            var (markdown, html) = report.Save();
            ui.Info($"{architecture}: test -ELBO {Nats(negativeElbo)} nats, IWAE k={k} log-likelihood {Nats(logLikelihood)} nats on {images.shape[0]} test images");
            ui.Wrote(markdown);
            ui.Wrote(html);
            return ExitCodes.Success;
        });
        return command;
    }

    private static Command BuildSample(ConsoleUi ui)
    {
        var common = new CommonOptions();
        var model = ModelOption();
        var count = CliOptions.Int("--count", 64, "number of prior samples");
        var command = new Command("sample", "Decode codes drawn from the prior of a trained VAE (and, for a 2-D latent, the decoded manifold).");
        foreach (var option in new Option[] { model, count }) command.Options.Add(option);
        common.AddTo(command);
        command.SetAction(result =>
        {
            LatentRuntime.Initialize();
            var outDir = common.ResolveOut(result, "vae-sample");
            var (architecture, vae) = VaeCheckpoint.Load(result.GetValue(model)!);
            int side = (int)Math.Round(Math.Sqrt(architecture.InputSize));
            if (side * side != architecture.InputSize) throw new LatentException($"model input size {architecture.InputSize} is not a square image");
            ui.Wrote(VaeFigures.PriorSamples(Path.Combine(outDir, "samples.png"), vae, side, side, result.GetValue(common.Seed), result.GetValue(count)));
            if (architecture.LatentSize == 2) ui.Wrote(VaeFigures.Manifold(Path.Combine(outDir, "manifold.png"), vae, side, side));
            return ExitCodes.Success;
        });
        return command;
    }

    private static Option<string?> ModelOption()
    {
        var option = new Option<string?>("--model") { Description = "a model.vae written by `latent vae train`", Required = true };
        option.Validators.Add(result =>
        {
            var value = result.GetValueOrDefault<string?>();
            if (value is not null && !File.Exists(value)) result.AddError($"--model: file '{value}' not found");
        });
        return option;
    }

    private static Option<string> BinarizationOption() =>
        CliOptions.Choice("--binarization", "none", "pixel treatment: none keeps [0,1] intensities, static draws once, dynamic redraws every epoch", "none", "static", "dynamic");

    private static Binarization ParseBinarization(string text) => text switch
    {
        "static" => Binarization.Static,
        "dynamic" => Binarization.Dynamic,
        _ => Binarization.None,
    };

    private static string Nats(double value) => value.ToString("F2", CultureInfo.InvariantCulture);

}
