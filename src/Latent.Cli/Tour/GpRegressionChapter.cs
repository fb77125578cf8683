using System.Diagnostics;
using Latent.Gp;
using Latent.Gp.Models;
using Latent.Training;

namespace Latent.Cli.Tour;

/// <summary>
/// The GP regression chapter: exact GPR and sparse SGPR fitted by L-BFGS and SVGP by Adam on minibatches to a generated 1-D data set,
/// their mean ± 2σ bands with the inducing inputs marked, GPflow-style parameter tables, the three models compared on held-out points,
/// and their training time and test NLPD as the number of training points grows.
/// </summary>
public sealed class GpRegressionChapter : ITourChapter
{
    private const int TrainCount = 200, TestCount = 200, InducingCount = 20, SmallestScalingCount = 1000;

    /// <inheritdoc />
    public string Name => "gp";

    /// <inheritdoc />
    public string Title => "GP regression: exact GPR, sparse SGPR and stochastic SVGP on a 1-D curve";

    /// <inheritdoc />
    public void Run(ChapterContext context)
    {
        using var data = RegressionCurve.Generate(context.Seed, TrainCount, TestCount);
        var fits = Models.Select(model => Fit(context, data, Options(context, model))).ToArray();
        try
        {
            Write(context, data, fits);
        }
        finally
        {
            foreach (var fit in fits) fit.Regressor.Dispose();
        }
        var exactLimit = Math.Min(context.Scaled(2_000, SmallestScalingCount), GpRegressor.LargestExactCount());
        var rows = GpScalingStudy.Run(GpScalingStudy.Counts(SmallestScalingCount, context.Scaled(32_000, 2 * SmallestScalingCount)), Models, exactLimit,
            count => RegressionCurve.Generate(context.Seed, count, TestCount), (data, model) =>
            {
                var fit = Fit(context, data, Options(context, model));
                using (fit.Regressor) return (fit.Seconds, fit.Metrics.Nlpd);
            }, context.Ui.Stop);
        WriteScaling(context, rows, exactLimit);
    }

    private static readonly string[] Models = [GpScalingStudy.ExactModel, "sgpr", "svgp"];

    /// <summary>The chapter's options for <paramref name="model"/>: Matérn-5/2, k-means inducing inputs; L-BFGS for gpr and sgpr, Adam on minibatches for svgp.</summary>
    private static GpRegressorOptions Options(ChapterContext context, string model) => new()
    {
        Model = model, Kernel = "matern52", Inducing = $"kmeans:{InducingCount}", Seed = context.Seed,
        Iterations = model == "svgp" ? context.Scaled(2000, 200) : context.Scaled(160, 20),
    };

    /// <summary>A fitted model with its training time and final training loss (−log marginal likelihood or −bound per point).</summary>
    private sealed record FitResult(GpRegressor Regressor, double Seconds, double Loss, RegressionMetrics Metrics);

    private static FitResult Fit(ChapterContext context, Dataset data, GpRegressorOptions options)
    {
        var regressor = new GpRegressor(options);
        var clock = Stopwatch.StartNew();
        var curve = context.Ui.Progress(progress =>
        {
            var bar = progress.AddTask($"{options.Model.ToUpperInvariant()} on {data.Train.Count} points ({Optimizer(options)})", maxValue: 1);
            return regressor.Fit(data, step => { bar.MaxValue = step.TotalSteps; bar.Value = step.Step; }, stop: context.Ui.Stop);
        });
        var seconds = clock.Elapsed.TotalSeconds;
        var metrics = (RegressionMetrics)regressor.Evaluate(data.Test);
        context.Ui.Info($"{options.Model} on {data.Train.Count} points: {curve.Steps.Count} {Optimizer(options)} steps in {seconds:0.00} s; test RMSE {metrics.Rmse:F3}, NLPD {metrics.Nlpd:F3}");
        return new FitResult(regressor, seconds, regressor.TrainingLossPerPoint(data), metrics);
    }

    private static string Optimizer(GpRegressorOptions options) => options.OptimizerKind == OptimizerKind.Lbfgs ? "L-BFGS" : "Adam";

    private static string F(double value, string format = "F3") => value.ToString(format, CultureInfo.InvariantCulture);

    private static void Write(ChapterContext context, Dataset data, FitResult[] fits)
    {
        var (gpr, sgpr, svgp) = (fits[0], fits[1], fits[2]);
        using var sgprZ = ((Sgpr)sgpr.Regressor.Model).InducingInputs;
        using var svgpZ = ((Svgp)svgp.Regressor.Model).InducingInputs;
        var figure = GpRegressionFigures.Bands(context.PathFor("gp-bands.png"), data,
            [new("Exact GPR", gpr.Regressor, null), new($"SGPR, M = {InducingCount}", sgpr.Regressor, sgprZ), new($"SVGP, M = {InducingCount}", svgp.Regressor, svgpZ)]);

        context.Report.Heading("GP regression: exact GPR, sparse SGPR and stochastic SVGP on a 1-D curve")
            .Paragraph($"This is the first notebook of a GPflow user, with `latent gp train`'s library calls: {TrainCount} points x uniform on [{F(RegressionCurve.Low, "0")}, {F(RegressionCurve.High, "0")}], " +
                $"y = sin(2x) + 0.3 sin(7x) + noise of standard deviation {F(RegressionCurve.NoiseSd, "0.0")}, and {TestCount} held-out points from the same curve. All three models use a Matérn-5/2 kernel and " +
                "a Gaussian likelihood whose noise variance is learned; the kernel variance starts at the targets' variance, the lengthscale at the median pairwise distance, " +
                "and L-BFGS with a backtracking line search (GPflow's `Scipy` optimizer) fits the hyperparameters by maximising the exact log marginal likelihood (GPR) or " +
                $"Titsias's collapsed lower bound on it (SGPR, {InducingCount} inducing inputs started at k-means centres and moved by the optimizer). SVGP keeps q(u) as " +
                $"free parameters and maximises the same kind of bound with Adam on minibatches of up to {GpRegressorOptions.Default.BatchSize} points ({svgp.Regressor.Options.IterationCount} steps), " +
                "which is what lets it run on data that do not fit in one batch and with likelihoods that are not Gaussian.")
            .Image(figure, "Predictive mean of y and mean ± 2 predictive standard deviations (noise included) on a grid reaching half a unit past the data on each side. " +
                "Middle and right: the SGPR's and the SVGP's inducing inputs after training, drawn at the bottom.")
            .Paragraph("Inside the data the bands hug the curve with a width set by the learned noise; past the last training point the mean falls back towards the prior mean, zero, and the band widens to the " +
                "prior's, which is how a GP says that it does not know. The sparse model spreads its few inducing inputs over the data and approximates the exact band " +
                "with a fraction of the work: GPR solves with the N × N kernel matrix (O(N³)), SGPR only with M × M ones and an N × M cross-covariance (O(N M²)).")
            .Heading("Fitted parameters (as GPflow's print_summary)", 3)
            .Paragraph("Every parameter with its shape, its transform (exp keeps variances and lengthscales positive; the optimizer works on their logarithms, as scikit-learn's does) and whether it is trained. " +
                "`latent gp train` prints the same table and saves it as `parameters.txt` beside the model.")
            .Code($"GPR\n{gpr.Regressor.Summary().ToText()}\nSGPR\n{sgpr.Regressor.Summary().ToText()}")
            .Heading("SGPR and SVGP against GPR", 3)
            .Table(["model", "training time", "−log p(y) per point (GPR exact, SGPR and SVGP bounds)", "test RMSE", "test NLPD (nats)", "95% coverage"],
                fits.Select(fit => (IReadOnlyList<string>)[fit == gpr ? "GPR (exact)" : fit == sgpr ? $"SGPR (M = {InducingCount})" : $"SVGP (M = {InducingCount})", $"{F(fit.Seconds, "0.00")} s", F(fit.Loss, "F4"),
                    F(fit.Metrics.Rmse), F(fit.Metrics.Nlpd), fit.Metrics.Coverage95.ToString("P0", CultureInfo.InvariantCulture)]))
            .Paragraph($"The SGPR objective is a lower bound on the log marginal likelihood, so its loss per point ({F(sgpr.Loss, "F4")}) cannot be below the exact one at the same " +
                $"hyperparameters; the gap of {F(sgpr.Loss - gpr.Loss, "F4")} nats per point measures how well {InducingCount} inducing inputs summarise {TrainCount} points, and it closes " +
                "as M grows (with Z = X the bound equals GPR's). SVGP's bound is never above SGPR's with the same kernel and inducing inputs (SGPR's q(u) is the optimal one), " +
                $"so its gap, {F(svgp.Loss - gpr.Loss, "F4")} nats per point, adds what Adam has not yet reached to what the inducing inputs lose. On held-out points compare the RMSE and NLPD of the rows: " +
                "the closer the bound, the closer the sparse predictions are to the exact ones.");
    }

    private static void WriteScaling(ChapterContext context, GpScalingStudy.Row[] rows, long exactLimit)
    {
        var largestExact = GpRegressor.LargestExactCount();
        string Cell((double Seconds, double Nlpd)? fit, string which) => fit is { } f ? which == "time" ? $"{F(f.Seconds, "0.00")} s" : F(f.Nlpd, "F3") : "not run";
        var figure = GpRegressionFigures.Scaling(context.PathFor("gp-scaling.png"), rows, Models);
        var header = new List<string> { "N" };
        foreach (var model in Models) header.AddRange([$"{model.ToUpperInvariant()} time", $"{model.ToUpperInvariant()} test NLPD"]);
        context.Report.Heading("Time and test NLPD as N grows", 3)
            .Paragraph($"The same curve with N = {rows[0].Count:N0} to {rows[^1].Count:N0} training points (the same {TestCount} test points), each model fitted as above. " +
                $"Exact GPR runs up to N = {exactLimit:N0} here to keep the tour short: its time grows as N³ and its memory as N² (its measured peak is about {F(GpRegressor.ExactPeakMatrices, "0")} N × N float64 matrices, " +
                $"{F(GpRegressor.ExactMemoryBytes(rows[^1].Count) / (1 << 30), "0.0")} GiB at N = {rows[^1].Count:N0}); on this machine memory would stop it at N ≈ {largestExact:N0}, " +
                "where `latent gp train --model gpr` refuses the data, says how much memory it would need and suggests `--model sgpr`.")
            .Image(figure, "Left: training time (seconds, log scale) against N. Right: test NLPD (nats per point) against N.")
            .Table(header, rows.Select(r => (IReadOnlyList<string>)[$"{r.Count:N0}", .. r.Fits.SelectMany(f => new[] { Cell(f, "time"), Cell(f, "nlpd") })]))
            .Paragraph($"SGPR's cost grows linearly in N at fixed M = {InducingCount} (O(N M²) per evaluation), while SVGP's is set by its {context.Scaled(2000, 200)} Adam steps on " +
                "minibatches whatever N is: it never touches the whole data set at once. " + SvgpTrend(rows));
    }

    /// <summary>What the study shows about SVGP's test NLPD from the smallest to the largest N, at a fixed number of steps.</summary>
    private static string SvgpTrend(GpScalingStudy.Row[] rows)
    {
        var svgp = Array.IndexOf(Models, "svgp");
        var (first, last) = (rows[0].Fits[svgp]!.Value.Nlpd, rows[^1].Fits[svgp]!.Value.Nlpd);
        var (sgprFirst, sgprLast) = (rows[0].Fits[svgp - 1]!.Value.Nlpd, rows[^1].Fits[svgp - 1]!.Value.Nlpd);
        return last > first
            ? $"With the same number of steps each point is seen fewer times as N grows, and here SVGP's test NLPD rises from {F(first)} to {F(last)} nats while SGPR's goes from " +
              $"{F(sgprFirst)} to {F(sgprLast)}: on more data SVGP needs more steps to reach the optimum that SGPR computes in closed form."
            : $"SVGP's test NLPD goes from {F(first)} to {F(last)} nats and SGPR's from {F(sgprFirst)} to {F(sgprLast)}: more data sharpen the hyperparameters and the noise estimate " +
              "until the inducing inputs, not the data, limit the fit.";
    }
}
