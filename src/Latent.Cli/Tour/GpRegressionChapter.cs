using System.Diagnostics;
using Latent.Gp;
using Latent.Gp.Models;
using Latent.Reporting;
using Latent.Training;
using static TorchSharp.torch;

namespace Latent.Cli.Tour;

/// <summary>
/// The GP regression chapter: exact GPR and sparse SGPR fitted by L-BFGS and SVGP by Adam on minibatches to a generated 1-D data set,
/// their mean ± 2σ bands with the inducing inputs marked, GPflow-style parameter tables, the three models compared on held-out points,
/// and their training time and test NLPD as the number of training points grows.
/// </summary>
public sealed class GpRegressionChapter : ITourChapter
{
    private const int TrainCount = 200, TestCount = 200, InducingCount = 20, GridCount = 240, SmallestScalingCount = 1000;
    private const double Low = -3, High = 3, NoiseSd = 0.2;

    /// <inheritdoc />
    public string Name => "gp";

    /// <inheritdoc />
    public string Title => "GP regression: exact GPR, sparse SGPR and stochastic SVGP on a 1-D curve";

    /// <inheritdoc />
    public void Run(ChapterContext context)
    {
        using var data = Curve(context.Seed, TrainCount);
        var fits = Models.Select(model => Fit(context, data, Options(context, model))).ToArray();
        try
        {
            Write(context, data, fits);
        }
        finally
        {
            foreach (var fit in fits) fit.Regressor.Dispose();
        }
        WriteScaling(context, Scaling(context));
    }

    private static readonly string[] Models = ["gpr", "sgpr", "svgp"];

    /// <summary>The chapter's options for <paramref name="model"/>: Matérn-5/2, k-means inducing inputs; L-BFGS for gpr and sgpr, Adam on minibatches of 256 for svgp.</summary>
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
        using var noGrad = no_grad();
        var loss = regressor.Model switch
        {
            Gpr gpr => gpr.TrainingLoss().item<double>(),
            Sgpr sparse => sparse.TrainingLoss().item<double>(),
            Svgp svgp => WholeDataLoss(svgp, data),
            _ => double.NaN,
        };
        var metrics = (RegressionMetrics)regressor.Evaluate(data.Test);
        context.Ui.Info($"{options.Model} on {data.Train.Count} points: {curve.Steps.Count} {Optimizer(options)} steps in {seconds:0.00} s; test RMSE {metrics.Rmse:F3}, NLPD {metrics.Nlpd:F3}");
        return new FitResult(regressor, seconds, loss, metrics);
    }

    private static string Optimizer(GpRegressorOptions options) => options.OptimizerKind == OptimizerKind.Lbfgs ? "L-BFGS" : "Adam";

    /// <summary>SVGP's −ELBO per training point over the whole training set (no minibatch).</summary>
    private static double WholeDataLoss(Svgp svgp, Dataset data)
    {
        using var x = data.Train.Features.to(svgp.Dtype);
        using var y = data.Train.Targets!.to(svgp.Dtype);
        using var elbo = svgp.Elbo(x, y);
        return -elbo.item<double>() / x.shape[0];
    }

    private static void Write(ChapterContext context, Dataset data, FitResult[] fits)
    {
        var (gpr, sgpr, svgp) = (fits[0], fits[1], fits[2]);
        var x = Column(data.Train.Features);
        var y = Column(data.Train.Targets!);
        var grid = Enumerable.Range(0, GridCount).Select(i => Low - 0.5 + (High - Low + 1) * i / (GridCount - 1)).ToArray();
        using var gridInputs = tensor(grid.Select(v => (float)v).ToArray(), [GridCount, 1]);
        var floor = y.Min() - 0.4;
        using var z = ((Sgpr)sgpr.Regressor.Model).InducingInputs;
        using var svgpZ = ((Svgp)svgp.Regressor.Model).InducingInputs;
        var inducing = Column(z);
        IChart Band(FitResult fit, string name)
        {
            var (mean, variance) = fit.Regressor.PredictY(gridInputs);
            using (mean)
            using (variance)
            {
                var (m, sd) = (Column(mean), Column(variance).Select(Math.Sqrt).ToArray());
                var chart = new LineChart(name, "x", "y")
                    .AddPoints("training points", x, y)
                    .Add("predictive mean", grid, m)
                    .Add("mean + 2σ", grid, m.Zip(sd, (a, s) => a + 2 * s).ToList())
                    .Add("mean − 2σ", grid, m.Zip(sd, (a, s) => a - 2 * s).ToList());
                var marked = fit == sgpr ? inducing : fit == svgp ? Column(svgpZ) : null;
                return marked is null ? chart : chart.AddPoints("inducing inputs Z (at the bottom)", marked, marked.Select(_ => floor).ToList());
            }
        }
        var figure = Figure.SavePng(context.PathFor("gp-bands.png"), [Band(gpr, "Exact GPR"), Band(sgpr, $"SGPR, M = {inducing.Length}"), Band(svgp, $"SVGP, M = {inducing.Length}")], 3);
        string F(double value, string format = "F3") => value.ToString(format, CultureInfo.InvariantCulture);

        context.Report.Heading("GP regression: exact GPR, sparse SGPR and stochastic SVGP on a 1-D curve")
            .Paragraph($"This is the first notebook of a GPflow user, with `latent gp train`'s library calls: {TrainCount} points x uniform on [{F(Low, "0")}, {F(High, "0")}], " +
                $"y = sin(2x) + 0.3 sin(7x) + noise of standard deviation {F(NoiseSd, "0.0")}, and {TestCount} held-out points from the same curve. All three models use a Matérn-5/2 kernel and " +
                "a Gaussian likelihood whose noise variance is learned; the kernel variance starts at the targets' variance, the lengthscale at the median pairwise distance, " +
                "and L-BFGS with a backtracking line search (GPflow's `Scipy` optimizer) fits the hyperparameters by maximising the exact log marginal likelihood (GPR) or " +
                $"Titsias's collapsed lower bound on it (SGPR, {inducing.Length} inducing inputs started at k-means centres and moved by the optimizer). SVGP keeps q(u) as " +
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
                fits.Select(fit => (IReadOnlyList<string>)[fit == gpr ? "GPR (exact)" : fit == sgpr ? $"SGPR (M = {inducing.Length})" : $"SVGP (M = {inducing.Length})", $"{F(fit.Seconds, "0.00")} s", F(fit.Loss, "F4"),
                    F(fit.Metrics.Rmse), F(fit.Metrics.Nlpd), fit.Metrics.Coverage95.ToString("P0", CultureInfo.InvariantCulture)]))
            .Paragraph($"The SGPR objective is a lower bound on the log marginal likelihood, so its loss per point ({F(sgpr.Loss, "F4")}) cannot be below the exact one at the same " +
                $"hyperparameters; the gap of {F(sgpr.Loss - gpr.Loss, "F4")} nats per point measures how well {inducing.Length} inducing inputs summarise {TrainCount} points, and it closes " +
                "as M grows (with Z = X the bound equals GPR's). SVGP's bound is never above SGPR's with the same kernel and inducing inputs (SGPR's q(u) is the optimal one), " +
                $"so its gap, {F(svgp.Loss - gpr.Loss, "F4")} nats per point, adds what Adam has not yet reached to what the inducing inputs lose. On held-out points compare the RMSE and NLPD of the rows: " +
                "the closer the bound, the closer the sparse predictions are to the exact ones.");
    }

    /// <summary>One row of the scaling study: the number of training points and each model's fit there (null where it was not run).</summary>
    private sealed record ScalingRow(int Count, IReadOnlyList<(double Seconds, double Nlpd)?> Fits);

    /// <summary>The study's sizes, N = 1,000 doubling up to the scaled budget; exact GPR only up to its own, smaller budget.</summary>
    private static (int[] Counts, int ExactLimit) ScalingSizes(ChapterContext context)
    {
        var largest = context.Scaled(32_000, 2 * SmallestScalingCount);
        var counts = Enumerable.Range(0, 16).Select(k => SmallestScalingCount << k).TakeWhile(n => n <= largest).ToArray();
        return (counts, (int)Math.Min(context.Scaled(2_000, SmallestScalingCount), GpRegressor.LargestExactCount()));
    }

    /// <summary>Fits the three models on the curve with N training points for every N of the study; each fit's time and test NLPD.</summary>
    private static ScalingRow[] Scaling(ChapterContext context)
    {
        var (counts, exactLimit) = ScalingSizes(context);
        var rows = new List<ScalingRow>();
        foreach (var count in counts)
        {
            PhaseInterruptedException.ThrowIf(context.Ui.Stop, "the GP scaling study");
            using var data = Curve(context.Seed, count);
            var fits = new List<(double, double)?>();
            foreach (var model in Models)
            {
                if (model == "gpr" && count > exactLimit)
                {
                    fits.Add(null);
                    continue;
                }
                var fit = Fit(context, data, Options(context, model));
                using (fit.Regressor) fits.Add((fit.Seconds, fit.Metrics.Nlpd));
            }
            rows.Add(new ScalingRow(count, fits));
        }
        return [.. rows];
    }

    private static void WriteScaling(ChapterContext context, ScalingRow[] rows)
    {
        var (_, exactLimit) = ScalingSizes(context);
        var largestExact = GpRegressor.LargestExactCount();
        string F(double value, string format) => value.ToString(format, CultureInfo.InvariantCulture);
        string Cell((double Seconds, double Nlpd)? fit, string which) => fit is { } f ? which == "time" ? $"{F(f.Seconds, "0.00")} s" : F(f.Nlpd, "F3") : "not run";
        IChart Panel(string title, string yLabel, Func<(double Seconds, double Nlpd), double> value, bool logY)
        {
            var chart = new LineChart(title, "training points N", yLabel) { LogY = logY };
            for (var m = 0; m < Models.Length; m++)
            {
                var points = rows.Where(r => r.Fits[m] is not null).Select(r => ((double)r.Count, value(r.Fits[m]!.Value))).ToArray();
                if (points.Length > 0) chart.Add(Models[m].ToUpperInvariant(), points.Select(p => p.Item1).ToArray(), points.Select(p => p.Item2).ToArray());
            }
            return chart;
        }
        var figure = Figure.SavePng(context.PathFor("gp-scaling.png"),
            [Panel("Training time", "seconds (log scale)", f => f.Seconds, true), Panel("Test NLPD", "nats per point", f => f.Nlpd, false)], 2);
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
    private static string SvgpTrend(ScalingRow[] rows)
    {
        var svgp = Array.IndexOf(Models, "svgp");
        var (first, last) = (rows[0].Fits[svgp]!.Value.Nlpd, rows[^1].Fits[svgp]!.Value.Nlpd);
        var (sgprFirst, sgprLast) = (rows[0].Fits[svgp - 1]!.Value.Nlpd, rows[^1].Fits[svgp - 1]!.Value.Nlpd);
        string F(double value) => value.ToString("F3", CultureInfo.InvariantCulture);
        return last > first
            ? $"With the same number of steps each point is seen fewer times as N grows, and here SVGP's test NLPD rises from {F(first)} to {F(last)} nats while SGPR's goes from " +
              $"{F(sgprFirst)} to {F(sgprLast)}: on more data SVGP needs more steps to reach the optimum that SGPR computes in closed form."
            : $"SVGP's test NLPD goes from {F(first)} to {F(last)} nats and SGPR's from {F(sgprFirst)} to {F(sgprLast)}: more data sharpen the hyperparameters and the noise estimate " +
              "until the inducing inputs, not the data, limit the fit.";
    }

    /// <summary>The generated curve: <paramref name="trainCount"/> training and <see cref="TestCount"/> held-out points, features [N, 1] (float32) and targets [N, 1] (float64).</summary>
    private static Dataset Curve(long seed, int trainCount)
    {
        using var generator = new Generator((ulong)seed + 23);
        DataPart Part(int count)
        {
            var x = rand([count, 1], dtype: float64, generator: generator) * (High - Low) + Low;
            var y = (2 * x).sin() + 0.3 * (7 * x).sin() + NoiseSd * randn([count, 1], dtype: float64, generator: generator);
            return new DataPart(x.to(float32), null, y);
        }
        return new Dataset(Part(trainCount), Part(TestCount), 0, null, "generated curve", targetNames: ["y"]);
    }

    /// <summary>The values of a one-column tensor [N, 1] (or [N]) as doubles.</summary>
    private static double[] Column(Tensor values)
    {
        using var host = values.detach().to(float64).cpu().contiguous();
        return host.data<double>().ToArray();
    }
}
