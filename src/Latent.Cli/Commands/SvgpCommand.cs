using System.CommandLine;
using Latent.Cli.Infrastructure;
using Latent.Cli.Tour;
using Latent.Gp.Kernels;
using Latent.Reporting;

namespace Latent.Cli.Commands;

/// <summary>`latent svgp train|eval`: the multiclass sparse variational GP on MNIST (seed S3) with its report.</summary>
public sealed class SvgpCommand : ICliCommand
{
    /// <inheritdoc />
    public Command Build(ConsoleUi ui)
    {
        var command = new Command("svgp", "Sparse variational GP classifier on MNIST: RobustMax or softmax, inducing points, predict_y vs sampled probabilities (seed S3).");
        command.Subcommands.Add(BuildTrain(ui));
        command.Subcommands.Add(BuildEval(ui));
        return command;
    }

    private static Command BuildTrain(ConsoleUi ui)
    {
        var common = new CommonOptions();
        var kernel = new Option<string>("--kernel") { Description = $"kernel spec: names joined by + and * ({string.Join(", ", KernelSpec.Names)})", DefaultValueFactory = _ => "matern52+white" };
        var ard = new Option<bool>("--ard") { Description = "one lengthscale per pixel (automatic relevance determination)" };
        var inducing = new Option<string>("--inducing") { Description = "inducing inputs: N (k-means centres) or every:K (every K-th training image)", DefaultValueFactory = _ => "every:120" };
        inducing.Validators.Add(result =>
        {
            var value = result.GetValueOrDefault<string>();
            var valid = value.StartsWith("every:", StringComparison.Ordinal)
                ? int.TryParse(value.AsSpan(6), out var k) && k >= 1
                : int.TryParse(value, out var n) && n >= 1;
            if (!valid) result.AddError($"--inducing must be a positive count N or every:K, got '{value}'");
        });
        var whiten = new Option<bool>("--whiten") { Description = "whitened parameterisation u = Lv of q(u)" };
        var qDiagonal = new Option<bool>("--q-diag") { Description = "diagonal covariance for q(u)" };
        var likelihood = CliOptions.Choice("--likelihood", "robustmax", "multiclass inverse link", "robustmax", "softmax");
        var batchSize = CliOptions.Int("--batch-size", 1000, "minibatch size");
        var iterations = CliOptions.Int("--iterations", 2000, "Adam steps");
        var lr = CliOptions.PositiveDouble("--lr", 0.01, "Adam learning rate");
        var finalLr = CliOptions.OptionalPositiveDouble("--lr-final", "cosine-anneal the learning rate to this value by the last iteration (default: constant rate)");
        var naturalGradient = CliOptions.UnitFraction("--natgrad", 0, "natural-gradient steps of this size for q(u), Adam for the kernel, likelihood and Z (0 = Adam for all; RobustMax needs small steps, e.g. 0.01 with a full q)");
        var trainExamples = CliOptions.Int("--train-examples", 60000, "use the first N training images");
        var testExamples = CliOptions.Int("--test-examples", 10000, "evaluate on the first N test images");
        var samples = CliOptions.Int("--samples", 2000, "latent samples per digit in the sampled-probability study");
        var timeLimit = CliOptions.OptionalPositiveDouble("--time-limit", "stop training after this many minutes (then evaluate)");
        var deskew = new Option<bool>("--deskew") { Description = "deskew every image first (shear its ink upright and centre it; the classic MNIST preprocessing), training and test alike" };
        var data = CliOptions.ExistingDirectory("--data", "MNIST-format directory (default: embedded MNIST)");
        var fullQ = new Option<bool>("--full-q") { Description = "with --init-from: keep training a diagonal-q model with a full q(u) that starts at its diagonal one" };
        var initFrom = CliOptions.ExistingDirectory("--init-from", "keep training the model saved in this `latent svgp train` output folder (its kernel, inducing, q and deskew options apply; Adam restarts)");

        var command = new Command("train", "Train an SVGP classifier, save it, and report ELBO curve, test accuracy, NLPD, calibration and RobustMax sampling study. Seed setup: --ard --whiten --q-diag --inducing every:5.");
        foreach (var option in new Option[] { kernel, ard, inducing, whiten, qDiagonal, likelihood, batchSize, iterations, lr, finalLr, naturalGradient, trainExamples, testExamples, samples, timeLimit, deskew, data, initFrom, fullQ })
            command.Options.Add(option);
        common.AddTo(command);
        command.SetAction(result =>
        {
            ui.Info(LatentRuntime.Initialize());
            var outDir = common.ResolveOut(result, "svgp-train");
            var settings = new SvgpSettings
            {
                Kernel = result.GetValue(kernel)!,
                Ard = result.GetValue(ard),
                Inducing = result.GetValue(inducing)!,
                Whiten = result.GetValue(whiten),
                QDiagonal = result.GetValue(qDiagonal),
                Likelihood = result.GetValue(likelihood)!,
                BatchSize = result.GetValue(batchSize),
                Iterations = result.GetValue(iterations),
                LearningRate = result.GetValue(lr),
                FinalLearningRate = result.GetValue(finalLr),
                NaturalGradientStep = result.GetValue(naturalGradient) is > 0 and var gamma ? gamma : null,
                TrainExamples = result.GetValue(trainExamples),
                TestExamples = result.GetValue(testExamples),
                Samples = result.GetValue(samples),
                TimeLimitMinutes = result.GetValue(timeLimit),
                Deskew = result.GetValue(deskew),
                DataDirectory = result.GetValue(data),
                InitFrom = result.GetValue(initFrom),
                ContinueWithFullQ = result.GetValue(fullQ),
            };
            var report = new ReportDocument(outDir, "Latent: sparse variational GP classifier on MNIST");
            new SvgpChapter().Run(new ChapterContext(outDir, report, result.GetValue(common.Seed), 1.0, ui), settings);
            var (markdown, html) = report.Save();
            ui.Wrote(markdown);
            ui.Wrote(html);
            return ExitCodes.Success;
        });
        return command;
    }

    private static Command BuildEval(ConsoleUi ui)
    {
        var common = new CommonOptions();
        var model = CliOptions.ExistingDirectory("--model", "output folder of `latent svgp train` (holds svgp-model.dat and svgp-model.json)");
        model.Required = true;
        var testExamples = CliOptions.Int("--test-examples", 10000, "evaluate on the first N test images");
        var samples = CliOptions.Int("--samples", 2000, "latent samples per digit in the sampled-probability study");
        var data = CliOptions.ExistingDirectory("--data", "MNIST-format directory (default: embedded MNIST)");

        var command = new Command("eval", "Evaluate a trained SVGP on the test images: accuracy, NLPD, calibration and the RobustMax sampling study.");
        foreach (var option in new Option[] { model, testExamples, samples, data }) command.Options.Add(option);
        common.AddTo(command);
        command.SetAction(result =>
        {
            ui.Info(LatentRuntime.Initialize());
            var outDir = common.ResolveOut(result, "svgp-eval");
            var (trained, saved) = SvgpChapter.Load(result.GetValue(model)!);
            var settings = saved with
            {
                TestExamples = result.GetValue(testExamples),
                Samples = result.GetValue(samples),
                DataDirectory = result.GetValue(data),
            };
            var report = new ReportDocument(outDir, "Latent: sparse variational GP classifier on MNIST (evaluation)");
            report.Paragraph($"Model from `{Path.GetFullPath(result.GetValue(model)!)}`: kernel `{saved.Kernel}`{(saved.Ard ? " (ARD)" : "")}, inducing {saved.Inducing}, {saved.Likelihood}, " +
                $"{(saved.Whiten ? "whitened" : "unwhitened")} {(saved.QDiagonal ? "diagonal" : "full")} q(u), trained on {saved.TrainExamples} {(saved.Deskew ? "deskewed " : "")}images for up to {saved.Iterations} steps{(saved.Deskew ? "; the test images are deskewed the same way" : "")}.");
            new SvgpChapter().Evaluate(new ChapterContext(outDir, report, result.GetValue(common.Seed), 1.0, ui), trained, settings);
            var (markdown, html) = report.Save();
            ui.Wrote(markdown);
            ui.Wrote(html);
            return ExitCodes.Success;
        });
        return command;
    }
}
