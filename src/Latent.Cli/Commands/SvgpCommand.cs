using Latent.Training;
using Latent.Gp;
using Latent.Gp.Kernels;
using Latent.Gp.Likelihoods;

namespace Latent.Cli.Commands;

/// <summary>`latent svgp train|eval`: the multiclass sparse variational GP classifier on any labelled data set.</summary>
public sealed class SvgpCommand : ICliCommand
{
    private static readonly SvgpClassifierOptions Defaults = SvgpClassifierOptions.Default;

    /// <inheritdoc />
    public Command Build(ConsoleUi ui)
    {
        var command = new Command("svgp", "Sparse variational GP classifier (GPflow's SVGP): RobustMax or softmax, inducing points, calibrated predict_y.");
        var eval = BuildEval(ui);
        command.Subcommands.Add(BuildTrain(ui, eval));
        command.Subcommands.Add(eval);
        return command;
    }

    /// <summary>Builds `svgp train`; an interrupted evaluation names <paramref name="eval"/> (`svgp eval`) as the command that redoes it.</summary>
    private static Command BuildTrain(ConsoleUi ui, Command eval)
    {
        var (common, data) = (new CommonOptions(), new DataOptionSet());
        var kernel = new Option<string>("--kernel") { Description = $"kernel spec: names joined by + and * ({string.Join(", ", KernelSpec.Names)})", DefaultValueFactory = _ => Defaults.Kernel };
        var ard = new Option<bool>("--ard") { Description = "one lengthscale per input feature (automatic relevance determination)", DefaultValueFactory = _ => Defaults.Ard };
        var inducing = new Option<string>("--inducing") { Description = "inducing inputs: every:K (every K-th training example), kmeans:M or first:M", DefaultValueFactory = _ => Defaults.Inducing };
        inducing.Validators.Add(r => { if (!InducingSpec.TryParse(r.GetValueOrDefault<string>(), out _)) r.AddError($"--inducing must be every:K, kmeans:M or first:M, got '{r.GetValueOrDefault<string>()}'"); });
        var whiten = new Option<bool>("--whiten") { Description = "whitened parameterisation u = Lv of q(u), on by default (--whiten false: q(u) directly)", DefaultValueFactory = _ => Defaults.Whiten };
        var qDiagonal = new Option<bool>("--q-diag") { Description = "diagonal covariance for q(u)", DefaultValueFactory = _ => Defaults.QDiagonal };
        var likelihood = CliOptions.Choice("--likelihood", Defaults.Likelihood, "multiclass inverse link", MulticlassLink.Registry);
        var dtype = CliOptions.Choice("--dtype", Defaults.Dtype, "floating-point type of the GP arithmetic (float32: about twice as fast, slightly less accurate)", "float64", "float32");
        var batchSize = CliOptions.Int("--batch-size", Defaults.BatchSize, "minibatch size");
        var iterations = CliOptions.Int("--iterations", Defaults.Iterations, "optimisation steps");
        var lr = CliOptions.PositiveDouble("--lr", Defaults.LearningRate, "Adam learning rate");
        var finalLr = CliOptions.OptionalPositiveDouble("--lr-final", "cosine-anneal the learning rate to this value by the last step (default: constant rate)");
        var naturalGradient = CliOptions.UnitFraction("--natgrad", Defaults.NaturalGradientStep ?? 0, "natural-gradient steps of this size for q(u), Adam for the kernel, likelihood and Z (0 = Adam for all; RobustMax needs small steps, e.g. 0.01 with a full q)");
        var timeLimit = CliOptions.OptionalPositiveDouble("--time-limit", "stop training after this many minutes (then evaluate)");
        var deskew = new Option<bool>("--deskew") { Description = "deskew every single-channel image first (the classic MNIST preprocessing), training and test alike", DefaultValueFactory = _ => Defaults.Deskew };
        var initFrom = CliOptions.ExistingDirectory("--init-from", "keep training the model saved in this folder (its kernel, inducing, q and deskew options apply; Adam restarts)");
        var fullQ = new Option<bool>("--full-q") { Description = "with --init-from: continue a diagonal-q model with a full q(u) that starts at its diagonal one" };
        var resume = CommonOptions.Resume();

        var command = new Command("train", "Train an SVGP classifier, save it to OUT/model, and write its ELBO curve, calibration plot and metrics.json.");
        foreach (var option in new Option[] { kernel, ard, inducing, whiten, qDiagonal, likelihood, batchSize, iterations, lr, finalLr, naturalGradient, timeLimit, deskew, initFrom, fullQ, dtype, resume, common.NoTensorBoard, common.Device })
            command.Options.Add(option);
        data.AddTo(command);
        common.AddTo(command);
        command.SetAction(result =>
        {
            var (seed, from, device) = (result.GetValue(common.Seed), result.GetValue(initFrom), result.GetValue(common.Device)!);
            if (result.GetValue(fullQ) && from is null) throw new LatentException("--full-q turns a saved diagonal q(u) into a full one: give the model with --init-from");
            ui.Info(LatentRuntime.Initialize());
            var outDir = common.ResolveOut(result, "svgp-train");
            var options = new SvgpClassifierOptions
            {
                Kernel = result.GetValue(kernel)!, Ard = result.GetValue(ard), Inducing = result.GetValue(inducing)!, Whiten = result.GetValue(whiten),
                QDiagonal = result.GetValue(qDiagonal), Likelihood = result.GetValue(likelihood)!, BatchSize = result.GetValue(batchSize),
                Iterations = result.GetValue(iterations), LearningRate = result.GetValue(lr), FinalLearningRate = result.GetValue(finalLr),
                NaturalGradientStep = result.GetValue(naturalGradient) is > 0 and var gamma ? gamma : null,
                TimeLimit = result.GetValue(timeLimit) is { } minutes ? TimeSpan.FromMinutes(minutes) : null, Deskew = result.GetValue(deskew), Seed = seed, Dtype = result.GetValue(dtype)!, Device = device,
            };
            using var classifier = from is null ? new SvgpClassifier(options) : SvgpClassifier.Load(from, device);
            if (from is not null) classifier.ContinueWith(options, result.GetValue(fullQ));
            using var dataset = DatasetLoader.Load(data.Read(result, seed));
            var o = classifier.Options;
            ui.Info($"SVGP on {dataset.Source}: {dataset.Train.Count} training examples of {dataset.FeatureCount} features, {dataset.ClassCount} classes; kernel {o.Kernel}{(o.Ard ? " (ARD)" : "")}, " +
                $"inducing {o.Inducing}, {o.Likelihood}, {(o.Whiten ? "whitened" : "unwhitened")} {(o.QDiagonal ? "diagonal" : "full")} q(u)" + (from is null ? "" : $", continuing {from} after {classifier.StepsTaken} steps"));
            var checkpoint = Path.Combine(outDir, "checkpoint.bin");
            var log = common.OpenRunLog(result, outDir);
            var elbos = ui.Progress(progress => { var bar = progress.AddTask("SVGP steps", maxValue: o.Iterations); return classifier.Fit(dataset, step => bar.Value = step.Step, checkpoint, result.GetValue(resume), ui.Stop, log); });
            var modelDir = Path.Combine(outDir, "model");
            classifier.Save(modelDir);
            ui.Wrote(modelDir);
            if (log is not null) ui.Wrote(log.Directory);
            if (elbos.Count > 0)
                ui.Info($"{elbos.Count} steps ({classifier.StepsTaken} in all); ELBO per example from {elbos[0]:F3} to {elbos.TakeLast(50).Average():F3} (mean of the last 50 steps)");
            var elboFigure = SvgpFigures.Elbo(Path.Combine(outDir, "svgp-elbo.png"), elbos);
            ui.Wrote(elboFigure);
            string[] kept = [modelDir, checkpoint, elboFigure, .. log is null ? Array.Empty<string>() : [log.Directory]];
            var metrics = Interruption.Finishing(kept, "the calibration figure and metrics.json",
                Interruption.Redo(result, eval, ["svgp", "eval"], "--model", modelDir, "--out", outDir), () => Evaluate(ui, classifier, dataset.Test));
            log?.Metrics(metrics.ToDictionary(), classifier.StepsTaken);
            Report(ui, outDir, metrics);
            return ExitCodes.Success;
        });
        return command;
    }

    private static Command BuildEval(ConsoleUi ui)
    {
        var (common, data) = (new CommonOptions(), new DataOptionSet());
        var model = CliOptions.ModelFolder("svgp train");
        var command = new Command("eval", "Evaluate a saved SVGP classifier on the test part of --data: accuracy, NLPD, calibration; writes metrics.json.");
        foreach (var option in new Option[] { model, common.Device }) command.Options.Add(option);
        data.AddTo(command);
        common.AddTo(command);
        command.SetAction(result =>
        {
            ui.Info(LatentRuntime.Initialize());
            var outDir = common.ResolveOut(result, "svgp-eval");
            using var classifier = SvgpClassifier.Load(result.GetValue(model)!, result.GetValue(common.Device)!);
            // The model applies its own saved standardisation, so the raw features are loaded.
            using var dataset = DatasetLoader.Load(data.Read(result, result.GetValue(common.Seed)) with { Standardize = false });
            using var test = classifier.Preprocessed(dataset.Test);
            Report(ui, outDir, Evaluate(ui, classifier, test));
            return ExitCodes.Success;
        });
        return command;
    }

    /// <summary>Evaluates <paramref name="classifier"/> on <paramref name="test"/>; Ctrl-C stops it (<see cref="ConsoleUi.Stop"/>).</summary>
    private static ClassificationMetrics Evaluate(ConsoleUi ui, SvgpClassifier classifier, DataPart test)
    {
        ui.Info($"evaluating on {test.Count} test examples");
        return classifier.Evaluate(test, ui.Stop);
    }

    private static void Report(ConsoleUi ui, string outDir, ClassificationMetrics metrics)
    {
        ui.Info($"test accuracy {metrics.Accuracy:P2}, mean NLPD {metrics.Nlpd:F4} nats, expected calibration error {metrics.Ece:F4} on {metrics.Count} examples");
        ui.Wrote(SvgpFigures.Calibration(Path.Combine(outDir, "svgp-calibration.png"), metrics));
        ui.Wrote(MetricsFile.Write(outDir, metrics.ToDictionary()));
    }
}
