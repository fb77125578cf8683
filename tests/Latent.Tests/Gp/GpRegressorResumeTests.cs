using Latent.Data;
using Latent.Gp;
using Latent.Training;
using static TorchSharp.torch;

namespace Latent.Tests.Gp;

public class GpRegressorResumeTests : IDisposable
{
    private readonly string root = Directory.CreateTempSubdirectory("latent-gp-resume-").FullName;

    public GpRegressorResumeTests() => LatentRuntime.Initialize();

    public void Dispose() => Directory.Delete(root, recursive: true);

    private Dataset Data()
    {
        var random = new Random(8);
        var path = Path.Combine(root, "data.csv");
        File.WriteAllLines(path, Enumerable.Range(0, 50).Select(_ => random.NextDouble() * 4 - 2)
            .Select(x => FormattableString.Invariant($"{x},{Math.Sin(2 * x) + 0.1 * (random.NextDouble() - 0.5)}")).Prepend("x,y"));
        return DatasetLoader.Load(new DataOptions { Path = path, TargetColumns = ["y"], Standardize = true });
    }

    [Fact]
    public void AnInterruptedLbfgsFitResumesFromItsCheckpointToTheSameOptimum()
    {
        using var data = Data();
        // SGPR with trained inducing inputs: enough parameters that L-BFGS is still moving after its first step, so the stop lands mid-run.
        var options = new GpRegressorOptions { Model = "sgpr", Inducing = "kmeans:12", Iterations = 200 };
        using var uninterrupted = new GpRegressor(options);
        var full = uninterrupted.Fit(data);
        Assert.True(full.Steps.Count > 1, $"L-BFGS converged within its first step ({full.Steps.Count} steps), so nothing is left to resume");

        var checkpoint = Path.Combine(root, "checkpoint.bin");
        using var stop = new CancellationTokenSource();
        stop.Cancel();
        using (var interrupted = new GpRegressor(options))
            Assert.Throws<TrainingInterruptedException>(() => interrupted.Fit(data, checkpointPath: checkpoint, stop: stop.Token));
        using var resumed = new GpRegressor(options);
        var curve = resumed.Fit(data, checkpointPath: checkpoint, resume: true);
        Assert.Equal(full.Steps[0].Value, curve.Steps[0].Value, 12);
        // The curvature history restarts on resume, so the path differs slightly (and convergence may come a step earlier or later);
        // both reach the same maximum of the likelihood, so they predict alike.
        var (test, resumedTest) = ((RegressionMetrics)uninterrupted.Evaluate(data.Test), (RegressionMetrics)resumed.Evaluate(data.Test));
        Assert.Equal(test.Rmse, resumedTest.Rmse, 4);
        Assert.Equal(test.Nlpd, resumedTest.Nlpd, 3);
    }
}
