using Latent.Vae;

namespace Latent.Cli.Commands;

/// <summary>`latent vae train|eval|sample`: variational autoencoders on images or real-valued vectors.</summary>
public sealed class VaeCommand : ICliCommand
{
    private static readonly VaeOptions Defaults = VaeOptions.Default;

    /// <inheritdoc />
    public Command Build(ConsoleUi ui)
    {
        var command = new Command("vae", "Variational autoencoders on images or real-valued vectors (Bernoulli or Gaussian decoders, ELBO or IWAE objective).");
        var eval = BuildEval(ui);
        foreach (var subcommand in new[] { BuildTrain(ui, eval), eval, BuildSample(ui) }) command.Subcommands.Add(subcommand);
        return command;
    }

    /// <summary>Builds `vae train`; an interrupted evaluation names <paramref name="eval"/> (`vae eval`) as the command that redoes it.</summary>
    private static Command BuildTrain(ConsoleUi ui, Command eval)
    {
        var (common, data) = (new CommonOptions(), new DataOptionSet());
        var latent = CliOptions.Int("--latent", Defaults.Latent, "latent dimensions");
        var hidden = CliOptions.Widths("--hidden", string.Join(",", Defaults.Hidden), "encoder hidden layer widths (the decoder mirrors them)");
        var architecture = CliOptions.Choice("--architecture", Defaults.Architecture, $"encoder and decoder networks: {VaeOptions.Architectures.Help}", VaeOptions.Architectures);
        var channels = CliOptions.Widths("--channels", string.Join(",", Defaults.Channels), "output channels of the conv architecture's stride-2 convolutions (the decoder mirrors them)");
        var conditional = new Option<bool>("--conditional") { Description = "a conditional VAE: the encoder and decoder also read the one-hot class (needs labelled data; `vae sample --class K` then draws class K)" };
        var decoder = CliOptions.Choice("--decoder", VaeOptions.DecoderName(Defaults.Decoder), "decoder p(x|z); bernoulli needs features in [0,1], the Gaussians take any real data; auto: bernoulli for data in [0,1], else gaussian-learned", [VaeOptions.AutoDecoder, .. VaeOptions.Decoders.Names]);
        var sigma = CliOptions.PositiveDouble("--sigma", Defaults.Sigma, "noise standard deviation of the gaussian-fixed decoder");
        var floor = CliOptions.NonNegativeDouble("--variance-floor", Defaults.VarianceFloor, "smallest variance of the gaussian-learned decoder");
        var objective = new Option<string>("--objective") { Description = "training objective: elbo, elbo:L (L samples of z per example) or iwae:K", DefaultValueFactory = _ => Defaults.Objective };
        objective.Validators.Add(result =>
        {
            try { IVaeObjective.Parse(result.GetValueOrDefault<string>() ?? ""); }
            catch (LatentException e) { result.AddError($"--objective: {e.Message}"); }
        });
        var klWeight = CliOptions.NonNegativeDouble("--kl-weight", Defaults.KlWeight, "weight β of the KL term (1: the ELBO; above 1: a β-VAE; needs an elbo objective unless 1)");
        var klWarmup = CliOptions.Int("--kl-warmup", Defaults.KlWarmupEpochs, "epochs over which the KL weight rises linearly from 0 to --kl-weight (0: none)", minimum: 0);
        var binarization = CliOptions.Choice("--binarization", Defaults.Binarization.ToString().ToLowerInvariant(), "features in [0,1]: none keeps them, static draws 0/1 once, dynamic redraws every epoch", "none", "static", "dynamic");
        var ema = CliOptions.UnitFraction("--ema", Defaults.Ema, "decay of the moving average of the weights used for evaluation and kept in the saved model (0 = off)");
        var biasInit = CliOptions.Choice("--bias-init", Defaults.DataMeanBias ? "data-mean" : "default", "decoder output bias at start: data-mean (the training data's per-feature statistics) or default", "data-mean", "default");
        var epochs = CliOptions.Int("--epochs", Defaults.Epochs, "passes over the training set");
        var batchSize = CliOptions.Int("--batch-size", Defaults.BatchSize, "examples per step");
        var lr = CliOptions.PositiveDouble("--lr", Defaults.LearningRate, "Adam learning rate");
        var examples = CliOptions.OptionalCount<int>("--examples", "use the first N training examples (default: all)");
        var (iwaeK, iwaeExamples) = IwaeOptions();
        var patience = CommonOptions.Patience("−ELBO");
        var validation = CliOptions.UnitFraction("--validation", Defaults.ValidationFraction, "share of the training examples held out for the validation −ELBO --patience watches (used only with it)");
        var resume = CommonOptions.Resume();
        var command = new Command("train", "Train a VAE; writes OUT/model, metrics.json (test -ELBO, IWAE log-likelihood), learning curves and figures that fit the data.");
        foreach (var option in new Option[] { latent, hidden, architecture, channels, conditional, decoder, sigma, floor, objective, klWeight, klWarmup, binarization, ema, biasInit, epochs, batchSize, lr, examples, iwaeK, iwaeExamples, patience, validation, resume, common.NoTensorBoard, common.Device })
            command.Options.Add(option);
        data.AddTo(command);
        common.AddTo(command);
        command.SetAction(result =>
        {
            var (outDir, seed) = common.Start(ui, result, "vae-train");
            var options = Defaults with
            {
                Latent = result.GetValue(latent), Hidden = result.GetValue(hidden)!, Architecture = result.GetValue(architecture)!, Channels = result.GetValue(channels)!,
                Conditional = result.GetValue(conditional), Decoder = VaeOptions.ParseDecoder(result.GetValue(decoder)!),
                Sigma = result.GetValue(sigma), VarianceFloor = result.GetValue(floor), Objective = result.GetValue(objective)!,
                KlWeight = result.GetValue(klWeight), KlWarmupEpochs = result.GetValue(klWarmup),
                Binarization = Enum.Parse<Binarization>(result.GetValue(binarization)!, ignoreCase: true), Ema = result.GetValue(ema),
                DataMeanBias = result.GetValue(biasInit) == "data-mean", Epochs = result.GetValue(epochs), BatchSize = result.GetValue(batchSize),
                LearningRate = result.GetValue(lr), Examples = result.GetValue(examples), EvalIwaeSamples = result.GetValue(iwaeK),
                EvalIwaeExamples = result.GetValue(iwaeExamples), Seed = seed, CheckpointPath = Path.Combine(outDir, "checkpoint.bin"), Resume = result.GetValue(resume), Stop = ui.Stop, Device = result.GetValue(common.Device)!,
                Patience = result.GetValue(patience), ValidationFraction = result.GetValue(validation),
            };
            var log = common.OpenRunLog(result, outDir);
            using var dataset = DatasetLoader.Load(data.Read(result, seed));
            using var model = VaeModel.For(dataset, options);
            var curve = ui.Progress(progress =>
            {
                var bar = progress.AddTask($"{model}", maxValue: 1);
                return model.Fit(dataset, p => { bar.MaxValue = p.TotalSteps; bar.Value = p.Step; }, log);
            });
            if (curve.EarlyStop?.Describe() is { } stopped) ui.Info(stopped);
            var modelDir = Path.Combine(outDir, "model");
            model.Save(modelDir);
            string[] kept = [modelDir, options.CheckpointPath!, .. log is null ? Array.Empty<string>() : [log.Directory]];
            var redo = Interruption.Redo(result, eval, ["vae", "eval"], "--model", modelDir, "--out", outDir);
            var metrics = Interruption.Finishing(kept, "metrics.json and the report", redo, () => Evaluate(ui, model, dataset.Test));
            log?.Metrics(metrics.ToDictionary(), curve.Steps.Count);
            Finish(ui, outDir, model, metrics, dataset.Test, curve, seed, redo, kept);
            return ExitCodes.Success;
        });
        return command;
    }

    private static Command BuildEval(ConsoleUi ui)
    {
        var (common, data, model) = (new CommonOptions(), new DataOptionSet(), CliOptions.ModelFolder("vae train"));
        var (iwaeK, iwaeExamples) = IwaeOptions();
        var command = new Command("eval", "Evaluate a saved VAE on the test part of --data (its saved standardisation applied): test -ELBO and IWAE log-likelihood in metrics.json.");
        foreach (var option in new Option[] { model, iwaeK, iwaeExamples, common.Device }) command.Options.Add(option);
        data.AddTo(command);
        common.AddTo(command);
        command.SetAction(result =>
        {
            var (outDir, seed) = common.Start(ui, result, "vae-eval");
            using var vae = VaeModel.Load(result.GetValue(model)!, result.GetValue(common.Device)!);
            using var dataset = DatasetLoader.Load(data.Read(result, seed) with { Standardize = false });
            var test = vae.Preprocessed(dataset.Test);
            Finish(ui, outDir, vae, Evaluate(ui, vae, test, result.GetValue(iwaeK), result.GetValue(iwaeExamples)), test, null, seed, null, []);
            return ExitCodes.Success;
        });
        return command;
    }

    private static Command BuildSample(ConsoleUi ui)
    {
        var (common, model) = (new CommonOptions(), CliOptions.ModelFolder("vae train"));
        var count = CliOptions.Int("--count", 64, "number of prior samples");
        var classIndex = new Option<int?>("--class") { Description = "for a conditional model: the class K to sample (0-based; default: the classes in turn)" };
        classIndex.Validators.Add(result => { if (result.GetValueOrDefault<int?>() is < 0) result.AddError($"--class must be at least 0, got {result.GetValueOrDefault<int?>()}"); });
        var output = new Option<string?>("--out") { Description = "FILE.npy (decoder means [N, …example shape] in the data's units), FILE.png (an image grid; one row per class for a conditional model) or a folder (default runs/vae-sample-<timestamp>) for samples.png or samples.csv" };
        var command = new Command("sample", "Decode codes drawn from the prior of a saved VAE: an .npy array or a .png grid, or into a folder an image grid (and for a 2-D latent the manifold) or, for vectors, samples.csv.");
        foreach (var option in new Option[] { model, count, classIndex, common.Device, common.Seed, output }) command.Options.Add(option);
        command.SetAction(result =>
        {
            LatentRuntime.Initialize();
            using var vae = VaeModel.Load(result.GetValue(model)!, result.GetValue(common.Device)!);
            var target = result.GetValue(output) ?? Path.Combine("runs", $"vae-sample-{DateTime.Now:yyyyMMdd-HHmmss}");
            foreach (var path in VaeFigures.WriteSampleOutput(target, vae, result.GetValue(count), result.GetValue(classIndex), result.GetValue(common.Seed))) ui.Wrote(path);
            return ExitCodes.Success;
        });
        return command;
    }

    /// <summary>
    /// Prints <paramref name="metrics"/>, writes metrics.json and the report; Ctrl-C during the report's figures keeps <paramref name="written"/>,
    /// metrics.json and the figures done, and names <paramref name="redo"/> (null: the same command) as the command that redoes it.
    /// </summary>
    private static void Finish(ConsoleUi ui, string outDir, VaeModel model, VaeMetrics metrics, DataPart test, Training.LearningCurve? curve, long seed, string? redo, IReadOnlyList<string> written)
    {
        var iwae = metrics.Iwae is { } estimate ? FormattableString.Invariant($", IWAE k={estimate.Samples} log-likelihood {estimate.LogLikelihood:F2} ± {estimate.StandardError:F2} nats on {estimate.Examples} test examples") : "";
        ui.Info($"{model}: test -ELBO {metrics.TestNegativeElbo.ToString("F2", CultureInfo.InvariantCulture)} nats{iwae}; {metrics.ActiveUnits} of {model.Options.Latent} latent units active");
        var kept = written.Append(MetricsFile.Write(outDir, curve?.WithStopMetrics(metrics.ToDictionary()) ?? metrics.ToDictionary())).ToList();
        foreach (var path in kept) ui.Wrote(path);
        foreach (var path in Interruption.Finishing(kept, "the rest of the report", redo, () => VaeReport.Write(outDir, model, metrics, test, curve, seed, ui.Stop))) ui.Wrote(path);
    }

    private static (Option<int> K, Option<int?> Examples) IwaeOptions() =>
        (CliOptions.Int("--iwae-k", Defaults.EvalIwaeSamples, "importance samples of the test log-likelihood estimate (0: skip)", minimum: 0),
         CliOptions.OptionalCount<int>("--iwae-examples", "test examples the IWAE estimate averages over (default: all)"));


    /// <summary>Evaluates <paramref name="model"/> on <paramref name="test"/> with a progress bar; Ctrl-C stops it (<see cref="ConsoleUi.Stop"/>).</summary>
    private static VaeMetrics Evaluate(ConsoleUi ui, VaeModel model, DataPart test, int? iwaeK = null, int? iwaeExamples = null)
    {
        ui.Info($"evaluating on {test.Count} test examples");
        return ui.Progress(progress =>
        {
            var bar = progress.AddTask("test -ELBO and IWAE log-likelihood", maxValue: 1);
            return model.Evaluate(test, iwaeK, iwaeExamples, done => bar.Value = done, ui.Stop);
        });
    }
}
