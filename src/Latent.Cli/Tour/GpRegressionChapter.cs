using System.Diagnostics;
using Latent.Gp;
using Latent.Gp.Models;
using Latent.Reporting;
using static TorchSharp.torch;

namespace Latent.Cli.Tour;

/// <summary>
/// The GP regression chapter: exact GPR and sparse SGPR fitted by L-BFGS to a generated 1-D data set, their mean ± 2σ bands with the
/// inducing inputs marked, GPflow-style parameter tables, and the two models compared on held-out points.
/// </summary>
public sealed class GpRegressionChapter : ITourChapter
{
    private const int TrainCount = 200, TestCount = 200, InducingCount = 20, GridCount = 240;
    private const double Low = -3, High = 3, NoiseSd = 0.2;

    /// <inheritdoc />
    public string Name => "gp";

    /// <inheritdoc />
    public string Title => "GP regression: exact GPR and sparse SGPR on a 1-D curve";

    /// <inheritdoc />
    public void Run(ChapterContext context)
    {
        using var data = Curve(context.Seed);
        var iterations = context.Scaled(160, 20);
        var fits = new[] { "gpr", "sgpr" }.Select(model => Fit(context, data, new GpRegressorOptions
        {
            Model = model, Kernel = "matern52", Inducing = $"kmeans:{InducingCount}", Iterations = iterations, Seed = context.Seed,
        })).ToArray();
        try
        {
            Write(context, data, fits);
        }
        finally
        {
            foreach (var fit in fits) fit.Regressor.Dispose();
        }
    }

    /// <summary>A fitted model with its training time and final training loss (−log marginal likelihood or −bound per point).</summary>
    private sealed record FitResult(GpRegressor Regressor, double Seconds, double Loss, RegressionMetrics Metrics);

    private static FitResult Fit(ChapterContext context, Dataset data, GpRegressorOptions options)
    {
        var regressor = new GpRegressor(options);
        var clock = Stopwatch.StartNew();
        var curve = context.Ui.Progress(progress =>
        {
            var bar = progress.AddTask($"{options.Model.ToUpperInvariant()} (L-BFGS)", maxValue: 1);
            return regressor.Fit(data, step => { bar.MaxValue = step.TotalSteps; bar.Value = step.Step; }, stop: context.Ui.Stop);
        });
        var seconds = clock.Elapsed.TotalSeconds;
        using var noGrad = no_grad();
        var loss = regressor.Model is Gpr gpr ? gpr.TrainingLoss().item<double>() : ((Sgpr)regressor.Model).TrainingLoss().item<double>();
        var metrics = (RegressionMetrics)regressor.Evaluate(data.Test);
        context.Ui.Info($"{options.Model}: {curve.Steps.Count} L-BFGS steps in {seconds:0.00} s; test RMSE {metrics.Rmse:F3}, NLPD {metrics.Nlpd:F3}");
        return new FitResult(regressor, seconds, loss, metrics);
    }

    private static void Write(ChapterContext context, Dataset data, FitResult[] fits)
    {
        var (gpr, sgpr) = (fits[0], fits[1]);
        var x = Column(data.Train.Features);
        var y = Column(data.Train.Targets!);
        var grid = Enumerable.Range(0, GridCount).Select(i => Low - 0.5 + (High - Low + 1) * i / (GridCount - 1)).ToArray();
        using var gridInputs = tensor(grid.Select(v => (float)v).ToArray(), [GridCount, 1]);
        var floor = y.Min() - 0.4;
        using var z = ((Sgpr)sgpr.Regressor.Model).InducingInputs;
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
                return fit == sgpr ? chart.AddPoints("inducing inputs Z (at the bottom)", inducing, inducing.Select(_ => floor).ToList()) : chart;
            }
        }
        var figure = Figure.SavePng(context.PathFor("gp-bands.png"), [Band(gpr, "Exact GPR"), Band(sgpr, $"SGPR, M = {inducing.Length}")], 2);
        string F(double value, string format = "F3") => value.ToString(format, CultureInfo.InvariantCulture);

        context.Report.Heading("GP regression: exact GPR and sparse SGPR on a 1-D curve")
            .Paragraph($"This is the first notebook of a GPflow user, with `latent gp train`'s library calls: {TrainCount} points x uniform on [{F(Low, "0")}, {F(High, "0")}], " +
                $"y = sin(2x) + 0.3 sin(7x) + noise of standard deviation {F(NoiseSd, "0.0")}, and {TestCount} held-out points from the same curve. Both models use a Matérn-5/2 kernel and " +
                "a Gaussian likelihood whose noise variance is learned; the kernel variance starts at the targets' variance, the lengthscale at the median pairwise distance, " +
                "and L-BFGS with a backtracking line search (GPflow's `Scipy` optimizer) fits the hyperparameters by maximising the exact log marginal likelihood (GPR) or " +
                $"Titsias's collapsed lower bound on it (SGPR, {inducing.Length} inducing inputs started at k-means centres and moved by the optimizer).")
            .Image(figure, "Predictive mean of y and mean ± 2 predictive standard deviations (noise included) on a grid reaching half a unit past the data on each side. " +
                "Right: the SGPR's inducing inputs after training, drawn at the bottom.")
            .Paragraph("Inside the data both bands hug the curve with a width set by the learned noise; past the last training point the mean falls back towards the prior mean, zero, and the band widens to the " +
                "prior's, which is how a GP says that it does not know. The sparse model spreads its few inducing inputs over the data and approximates the exact band " +
                "with a fraction of the work: GPR solves with the N × N kernel matrix (O(N³)), SGPR only with M × M ones and an N × M cross-covariance (O(N M²)).")
            .Heading("Fitted parameters (as GPflow's print_summary)", 3)
            .Paragraph("Every parameter with its shape, its transform (softplus keeps variances and lengthscales positive; the optimizer works on the unconstrained value) and whether it is trained. " +
                "`latent gp train` prints the same table and saves it as `parameters.txt` beside the model.")
            .Code($"GPR\n{gpr.Regressor.Summary().ToText()}\nSGPR\n{sgpr.Regressor.Summary().ToText()}")
            .Heading("SGPR against GPR", 3)
            .Table(["model", "training time", "−log p(y) per point (GPR exact, SGPR bound)", "test RMSE", "test NLPD (nats)", "95% coverage"],
                fits.Select(fit => (IReadOnlyList<string>)[fit == gpr ? "GPR (exact)" : $"SGPR (M = {inducing.Length})", $"{F(fit.Seconds, "0.00")} s", F(fit.Loss, "F4"),
                    F(fit.Metrics.Rmse), F(fit.Metrics.Nlpd), fit.Metrics.Coverage95.ToString("P0", CultureInfo.InvariantCulture)]))
            .Paragraph($"The SGPR objective is a lower bound on the log marginal likelihood, so its loss per point ({F(sgpr.Loss, "F4")}) cannot be below the exact one at the same " +
                $"hyperparameters; the gap of {F(sgpr.Loss - gpr.Loss, "F4")} nats per point measures how well {inducing.Length} inducing inputs summarise {TrainCount} points, and it closes " +
                "as M grows (with Z = X the bound equals GPR's). On held-out points compare the RMSE and NLPD of the two rows: the closer the bound, the closer the sparse predictions are to the exact ones. " +
                "With tens of thousands of points exact GPR no longer fits in memory (`latent gp train` says how much it would need and suggests `--model sgpr`), while SGPR's cost grows only linearly in N.");
    }

    /// <summary>The generated curve: training and held-out points, features [N, 1] (float32) and targets [N, 1] (float64).</summary>
    private static Dataset Curve(long seed)
    {
        using var generator = new Generator((ulong)seed + 23);
        DataPart Part(int count)
        {
            var x = rand([count, 1], dtype: float64, generator: generator) * (High - Low) + Low;
            var y = (2 * x).sin() + 0.3 * (7 * x).sin() + NoiseSd * randn([count, 1], dtype: float64, generator: generator);
            return new DataPart(x.to(float32), null, y);
        }
        return new Dataset(Part(TrainCount), Part(TestCount), 0, null, "generated curve", targetNames: ["y"]);
    }

    /// <summary>The values of a one-column tensor [N, 1] (or [N]) as doubles.</summary>
    private static double[] Column(Tensor values)
    {
        using var host = values.detach().to(float64).cpu().contiguous();
        return host.data<double>().ToArray();
    }
}
