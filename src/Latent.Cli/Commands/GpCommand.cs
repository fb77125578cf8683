using Latent.Gp;
using Latent.Gp.Kernels;
using Latent.Gp.Likelihoods;
using Latent.Models;
using Latent.Training;

namespace Latent.Cli.Commands;

/// <summary>`latent gp train|eval|predict`: GP regression (exact, sparse or stochastic variational) on real-valued targets.</summary>
public sealed class GpCommand : ICliCommand
{
    private static readonly GpRegressorOptions Defaults = GpRegressorOptions.Default;

    /// <inheritdoc />
    public Command Build(ConsoleUi ui)
    {
        var command = new Command("gp", "GP regression like GPflow's GPR, SGPR and SVGP: Gaussian, Student-t, Poisson or Bernoulli likelihood, hyperparameters by L-BFGS or Adam; multiclass SVGP with robustmax or softmax.");
        command.Subcommands.Add(BuildTrain(ui));
        command.Subcommands.Add(BuildEval(ui));
        command.Subcommands.Add(BuildPredict(ui));
        return command;
    }

    /// <summary>The --target-column option: one or more CSV/TSV columns holding real-valued targets (the outputs' names for an .npz).</summary>
    private static Option<string[]> TargetColumns(string description) => new("--target-column")
    {
        Description = description, AllowMultipleArgumentsPerToken = false, Arity = ArgumentArity.OneOrMore,
    };

    private static Command BuildTrain(ConsoleUi ui)
    {
        var (common, data) = (new CommonOptions(), new DataOptionSet());
        var targets = TargetColumns($"CSV/TSV column holding the real-valued target; repeat for several outputs (default {DataOptions.DefaultTargetColumn}; an .npz reads y_train/y_test)");
        var model = CliOptions.Choice("--model", Defaults.Model, "GP model", GpRegressorOptions.Models);
        var likelihood = CliOptions.Choice("--likelihood", Defaults.Likelihood, "likelihood (gpr and sgpr: gaussian; robustmax and softmax classify the --label-column with svgp)", [.. GpRegressorOptions.LikelihoodNames]);
        var kernel = new Option<string>("--kernel") { Description = $"kernel spec: names joined by + and * ({string.Join(", ", KernelSpec.Names)})", DefaultValueFactory = _ => Defaults.Kernel };
        var ard = new Option<bool>("--ard") { Description = "one lengthscale per input feature (automatic relevance determination)", DefaultValueFactory = _ => Defaults.Ard };
        var inducing = new Option<string>("--inducing") { Description = "inducing inputs of sgpr and svgp: kmeans:M, every:K or first:M", DefaultValueFactory = _ => Defaults.Inducing };
        inducing.Validators.Add(r => { if (!InducingSpec.TryParse(r.GetValueOrDefault<string>(), out _)) r.AddError($"--inducing must be every:K, kmeans:M or first:M, got '{r.GetValueOrDefault<string>()}'"); });
        var trainInducing = new Option<bool>("--train-inducing") { Description = "let the optimizer move the inducing inputs, on by default (--train-inducing false: keep them fixed, so L-BFGS fits only the kernel and noise; advisable for large N × M)", DefaultValueFactory = _ => Defaults.TrainInducing };
        var optimizer = new Option<string?>("--optimizer") { Description = "optimizer (lbfgs|adam; default lbfgs for gpr and sgpr, adam for svgp)" };
        optimizer.Validators.Add(r => { if (r.GetValueOrDefault<string?>() is { } name && name is not ("lbfgs" or "adam")) r.AddError($"--optimizer must be one of lbfgs, adam, got '{name}'"); });
        var iterations = CliOptions.OptionalCount<int>("--iterations", $"L-BFGS iterations or Adam steps (default {GpRegressorOptions.DefaultLbfgsIterations} for L-BFGS, {GpRegressorOptions.DefaultAdamIterations} for Adam)");
        var lr = CliOptions.OptionalPositiveDouble("--lr", $"learning rate (default {GpRegressorOptions.DefaultLbfgsLearningRate} for L-BFGS's trial step, {GpRegressorOptions.DefaultAdamLearningRate} for Adam)");
        var batchSize = CliOptions.Int("--batch-size", Defaults.BatchSize, "svgp minibatch size");
        var resume = CommonOptions.Resume();

        var command = new Command("train", "Train a GP regression model, save it to OUT/model, print and save its parameter summary, and write metrics.json.");
        foreach (var option in new Option[] { targets, model, likelihood, kernel, ard, inducing, trainInducing, optimizer, iterations, lr, batchSize, resume, common.NoTensorBoard, common.Device })
            command.Options.Add(option);
        data.AddTo(command);
        common.AddTo(command);
        command.SetAction(result =>
        {
            var seed = result.GetValue(common.Seed);
            ui.Info(LatentRuntime.Initialize());
            var options = new GpRegressorOptions
            {
                Model = result.GetValue(model)!, Likelihood = result.GetValue(likelihood)!, Kernel = result.GetValue(kernel)!, Ard = result.GetValue(ard),
                Inducing = result.GetValue(inducing)!, TrainInducing = result.GetValue(trainInducing), Optimizer = result.GetValue(optimizer),
                Iterations = result.GetValue(iterations), LearningRate = result.GetValue(lr), BatchSize = result.GetValue(batchSize), Seed = seed,
                Device = result.GetValue(common.Device)!,
            };
            using var regressor = new GpRegressor(options);
            var outDir = common.ResolveOut(result, "gp-train");
            var read = data.Read(result, seed);
            using var dataset = DatasetLoader.Load(options.IsMulticlass ? read : read with { TargetColumns = result.GetValue(targets) is { Length: > 0 } named ? named : [DataOptions.DefaultTargetColumn] });
            var outputs = options.IsMulticlass ? $"{dataset.ClassCount} classes" : $"{dataset.TargetNames!.Count} output(s) ({string.Join(", ", dataset.TargetNames)})";
            ui.Info($"{options.Model.ToUpperInvariant()} on {dataset.Source}: {dataset.Train.Count} training points of {dataset.FeatureCount} features, {outputs}; kernel {options.Kernel}{(options.Ard ? " (ARD)" : "")}, {options.Likelihood} likelihood, " +
                $"{OptimizerSettings.NameOf(options.OptimizerKind)} for {options.IterationCount} {(options.OptimizerKind == OptimizerKind.Lbfgs ? "iterations" : "steps")}");
            var checkpoint = Path.Combine(outDir, "checkpoint.bin");
            var log = common.OpenRunLog(result, outDir);
            var curve = ui.Progress(progress =>
            {
                var bar = progress.AddTask("GP training", maxValue: 1);
                return regressor.Fit(dataset, step => { bar.MaxValue = step.TotalSteps; bar.Value = step.Step; }, checkpoint, result.GetValue(resume), ui.Stop, log);
            });
            if (curve.Steps.Count > 0) ui.Info($"{curve.Steps.Count} steps; training loss per point from {curve.Steps[0].Value:F4} to {curve.Steps[^1].Value:F4}");
            regressor.Save(Path.Combine(outDir, "model"));
            ui.Wrote(Path.Combine(outDir, "model"));
            var summary = regressor.Summary().ToText();
            ui.Info(summary.TrimEnd());
            var summaryPath = Path.Combine(outDir, "parameters.txt");
            AtomicFile.WriteText(summaryPath, summary);
            ui.Wrote(summaryPath);
            var metrics = regressor.Evaluate(dataset.Test);
            log?.Metrics(metrics.ToDictionary(), curve.Steps.Count);
            Report(ui, outDir, metrics);
            if (log is not null) ui.Wrote(log.Directory);
            return ExitCodes.Success;
        });
        return command;
    }

    private static Command BuildEval(ConsoleUi ui)
    {
        var (common, data) = (new CommonOptions(), new DataOptionSet());
        var model = CliOptions.ModelFolder("gp train");
        var command = new Command("eval", "Evaluate a saved GP regression model on the test part of --data: RMSE, MAE, NLPD, 95% coverage; writes metrics.json.");
        foreach (var option in new Option[] { model, common.Device }) command.Options.Add(option);
        data.AddTo(command);
        common.AddTo(command);
        command.SetAction(result =>
        {
            ui.Info(LatentRuntime.Initialize());
            using var regressor = GpRegressor.Load(result.GetValue(model)!, result.GetValue(common.Device)!);
            var outDir = common.ResolveOut(result, "gp-eval");
            // The model applies its own saved standardisation, so the raw data are loaded, with the targets it was trained on.
            using var dataset = DatasetLoader.Load(data.Read(result, result.GetValue(common.Seed)) with { Standardize = false, TargetColumns = regressor.Options.IsMulticlass ? null : regressor.Data.TargetNames });
            using var test = regressor.Preprocessed(dataset.Test);
            Report(ui, outDir, regressor.Evaluate(test));
            return ExitCodes.Success;
        });
        return command;
    }

    private static Command BuildPredict(ConsoleUi ui)
    {
        var common = new CommonOptions();
        var model = CliOptions.ModelFolder("gp train");
        var input = new Option<string>("--data") { Description = "inputs to predict at (.csv/.tsv with the training features' columns, or an .npz's x_train); target columns, if present, are ignored", Required = true };
        input.Validators.Add(r => { if (r.GetValueOrDefault<string>() is { } path && !File.Exists(path)) r.AddError($"--data: '{path}' not found"); });
        var output = new Option<string>("--out") { Description = "the CSV to write: one row per input with the predictive mean (probability for bernoulli) and variance of each output", Required = true };
        var command = new Command("predict", "Predict with a saved GP regression model at every input of --data, in file order, and write the means and variances as CSV.");
        foreach (var option in new Option[] { model, input, output, common.Device }) command.Options.Add(option);
        command.SetAction(result =>
        {
            ui.Info(LatentRuntime.Initialize());
            using var regressor = GpRegressor.Load(result.GetValue(model)!, result.GetValue(common.Device)!);
            var path = result.GetValue(input)!;
            using var dataset = DatasetLoader.Load(new DataOptions { Path = path, TestPath = path, TargetColumns = regressor.Options.IsMulticlass ? null : regressor.Data.TargetNames, TargetsOptional = true });
            using var inputs = regressor.Preprocessed(dataset.Test);
            var destination = Path.GetFullPath(result.GetValue(output)!);
            if (Path.GetDirectoryName(destination) is { } folder) Directory.CreateDirectory(folder);
            ui.Wrote(regressor.WritePredictions(destination, inputs.Features));
            return ExitCodes.Success;
        });
        return command;
    }


    private static void Report(ConsoleUi ui, string outDir, IModelMetrics metrics)
    {
        ui.Info(metrics switch
        {
            RegressionMetrics r => $"test RMSE {r.Rmse:G5}, MAE {r.Mae:G5}, mean NLPD {r.Nlpd:F4} nats, 95% coverage {r.Coverage95:P1}" +
                (r.Accuracy is { } accuracy ? $", accuracy {accuracy:P2}" : "") + $" on {r.Count} points",
            ClassificationMetrics c => $"test accuracy {c.Accuracy:P2}, mean NLPD {c.Nlpd:F4} nats, expected calibration error {c.Ece:F4} on {c.Count} points",
            _ => string.Join(", ", metrics.ToDictionary().Select(pair => $"{pair.Key} {pair.Value:G5}")),
        });
        ui.Wrote(MetricsFile.Write(outDir, metrics.ToDictionary()));
    }
}
