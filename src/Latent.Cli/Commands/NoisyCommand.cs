using Latent.Noisy;

namespace Latent.Cli.Commands;

/// <summary>`latent noisy train`: trains noisy-label classifiers (with and without a learned Q) on labels corrupted by a known noise.</summary>
public sealed class NoisyCommand : ICliCommand
{
    /// <inheritdoc />
    public Command Build(ConsoleUi ui)
    {
        var d = NoisyTrainingOptions.Default;
        var (common, data) = (new CommonOptions(), new DataOptionSet());
        var noise = new Option<string>("--noise") { Description = "injected noise: symmetric:RATE, pairflip:RATE (class i → i+1 mod C), mnist-pairs:RATE (2→7, 3→8, 5↔6, 7→1), none, or a C×C CSV file of T (rows noisy label, columns true label)", DefaultValueFactory = _ => NoisyClassifier.DefaultNoise };
        var models = new Option<string[]>("--q") { Description = $"noise models to train, one or more of {NoiseModels.Registry.Choices}", AllowMultipleArgumentsPerToken = true, DefaultValueFactory = _ => [.. NoiseModels.DefaultRun] };
        models.Validators.Add(r => { foreach (var name in r.GetValueOrDefault<string[]>() ?? []) if (!NoiseModels.Registry.Contains(name)) r.AddError($"--q: unknown noise model '{name}'; known: {string.Join(", ", NoiseModels.Registry.Names)}"); });
        var traceReg = CliOptions.OptionalNonNegativeDouble("--trace-reg", "weight of the tr(Q) regularizer (0 = off; default 0.03 / number of classes)");
        var epochs = CliOptions.Int("--epochs", d.Epochs, "epochs per noise model");
        var examples = CliOptions.OptionalCount<long>("--examples", "train on the first N training examples (default: all)");
        var architecture = CliOptions.Choice("--arch", d.Architecture, "base classifier (auto: cnn for images, mlp for vectors)", "auto", "cnn", "mlp");
        var hidden = CliOptions.Int("--hidden", d.HiddenUnits, "hidden units before the logits");
        var batchSize = CliOptions.Int("--batch-size", d.BatchSize, "examples per optimizer step");
        var lr = CliOptions.PositiveDouble("--lr", d.LearningRate, "Adam learning rate of the classifier");
        var weightDecay = CliOptions.NonNegativeDouble("--weight-decay", d.WeightDecay, "L2 penalty on the classifier's weights (Adam weight_decay)");
        var qOptimizer = CliOptions.Choice("--q-optimizer", d.TransitionOptimizer, "optimizer of Q (auto: SGD for the projected Q as in Sukhbaatar et al., Adam for the softmax W)", "auto", "adam", "sgd");
        var qLr = CliOptions.OptionalPositiveDouble("--q-lr", "learning rate of Q (default 0.003 under SGD, 0.002 under Adam)");
        var frozen = CliOptions.Int("--frozen-epochs", d.FrozenEpochs, "epochs at the start with Q held (set to the estimated T after each of them under --q-init estimated)", minimum: 0);
        var qInit = CliOptions.Choice("--q-init", TransitionInitializations.NameOf(d.Initialization), "where a learned Q starts when the frozen epochs end: estimated (T estimated from the classifier's predictions so far) or identity", TransitionInitializations.Registry);
        var estimation = CliOptions.Int("--estimation-epochs", d.EstimationEpochs, "epochs of the run that estimates T for --q forward (T re-estimated from the predictions after each)");
        var validation = CliOptions.UnitFraction("--validation", d.ValidationFraction, "share of the noisy training examples held out to pick the epoch by noisy-label validation loss (0 = keep the last epoch)");
        var average = CliOptions.UnitFraction("--ema", 0, "decay of the moving averages of the classifier's weights and of Q that are evaluated and kept (0 = off)");
        var patience = CommonOptions.Patience("noisy-label loss");
        var resume = CommonOptions.Resume("continue a stopped run: each noise model from its checkpoint in --out (models without one start afresh)");

        var train = new Command("train", "Train on your data with injected label noise; report clean-test accuracy per epoch, learned Q beside the true T, and metrics.json.");
        foreach (var option in new Option[] { noise, models, traceReg, epochs, examples, architecture, hidden, batchSize, lr, weightDecay, qOptimizer, qLr, frozen, qInit, estimation, validation, average, patience, resume, common.NoTensorBoard, common.Device }) train.Options.Add(option);
        data.AddTo(train);
        common.AddTo(train);
        train.SetAction(result =>
        {
            var (outDir, seed) = common.Start(ui, result, "noisy");
            using var dataset = DatasetLoader.Load(data.Read(result, seed));
            var options = new NoisyTrainingOptions(Epochs: result.GetValue(epochs), BatchSize: result.GetValue(batchSize), LearningRate: result.GetValue(lr),
                TransitionLearningRate: result.GetValue(qLr), TransitionOptimizer: result.GetValue(qOptimizer)!, TraceWeight: result.GetValue(traceReg),
                FrozenEpochs: result.GetValue(frozen), Initialization: TransitionInitializations.Registry[result.GetValue(qInit)!], EstimationEpochs: result.GetValue(estimation), Architecture: result.GetValue(architecture)!, Seed: seed,
                ValidationFraction: result.GetValue(validation), AverageDecay: result.GetValue(average) is > 0 and var decay ? decay : null,
                WeightDecay: result.GetValue(weightDecay), HiddenUnits: result.GetValue(hidden), Examples: result.GetValue(examples), Device: result.GetValue(common.Device)!, Patience: result.GetValue(patience));
            var kept = new List<string>();
            var runs = ui.Progress(progress => result.GetValue(models)!.Distinct().Select(name =>
            {
                var bar = progress.AddTask(name, maxValue: 1);
                using var model = NoisyClassifier.For(dataset, options with { Model = NoiseModels.Registry[name] });
                var checkpoint = Path.Combine(outDir, $"checkpoint-{name}.bin");
                var log = common.OpenRunLog(result, outDir, name);
                var fit = model.Fit(dataset, result.GetValue(noise)!, p => (bar.MaxValue, bar.Value) = (p.TotalSteps, p.Step), checkpoint, result.GetValue(resume) && File.Exists(checkpoint), ui.Stop, log);
                var folder = Path.Combine(outDir, name);
                model.Save(folder);
                kept.AddRange([folder, checkpoint, .. log is null ? Array.Empty<string>() : [log.Directory]]);
                ui.Info($"evaluating {name} on {dataset.Test.Count} test examples");
                var evaluated = Interruption.Finishing(kept, "the remaining noise models, the figures and metrics.json", Interruption.Resume(result, outDir),
                    () => model.Evaluate(dataset.Test, ui.Stop));
                var entries = evaluated.ToDictionary();
                log?.Metrics(fit.EarlyStop?.AddTo(entries) ?? entries, fit.Epochs.Count);
                return new NoisyRun(name, fit, evaluated);
            }).ToList());
            foreach (var (name, fit, metrics) in runs)
            {
                ui.Info($"{name}: clean test accuracy {metrics.Clean.Accuracy:P2} (epoch {fit.SelectedEpoch}), max|Q − T| {metrics.TransitionMaxAbsError:G3}, noisy validation loss {fit.Selected.ValidationLoss:G4}");
                if (fit.EarlyStop?.Describe() is { } stopped) ui.Info($"{name}: {stopped}");
            }
            var (comparison, pairs) = (NoisyComparison.Of(runs), runs.Select(r => (r.Name, r.Result)).ToList());
            ui.Info($"recommended (lowest noisy-label validation loss): {comparison.Recommended}");
            foreach (var path in new[]
            {
                NoisyFigures.WriteCsv(Path.Combine(outDir, "noisy.csv"), pairs),
                NoisyFigures.SaveAccuracyPng(Path.Combine(outDir, "accuracy.png"), pairs, $"Clean test accuracy ({result.GetValue(noise)} noise)"),
                NoisyFigures.SaveTransitionsPng(Path.Combine(outDir, "transitions.png"), pairs, dataset.ClassNames),
                MetricsFile.Write(outDir, comparison.Numbers, comparison.Labels),
            }.Concat(runs.Select(r => Path.Combine(outDir, r.Name))).Concat(result.GetValue(common.NoTensorBoard) ? [] : [Path.Combine(outDir, Training.RunLog.FolderName)])) ui.Wrote(path);
            return ExitCodes.Success;
        });
        return new Command("noisy", "Training with noisy labels: a learned label-transition matrix Q kept column-stochastic.") { train };
    }
}
