using System.Diagnostics;
using Latent.Gp;
using Latent.Gp.Likelihoods;
using static TorchSharp.torch;

namespace Latent.Bench;

/// <summary>
/// RobustMax predict_y: the accurate composite rule (<see cref="LargestGaussian"/>) beside GPflow's 20-point Gauss–Hermite rule,
/// on the same latent means and variances (10 classes, means spread by ±4, variances 0.1–16), timed in the same run.
/// </summary>
public sealed class RobustMaxPredictWorkload : IWorkload
{
    /// <inheritdoc />
    public string Name => "robustmax-predict";

    /// <inheritdoc />
    public string Description => "ms per 10,000 RobustMax predict_y rows, accurate rule vs the 20-point Gauss-Hermite rule (baseline), and their row-sum errors";

    /// <summary>Runs the workload; options: --rows N (default 10000), --classes K (default 10), --repeats R (default 5), --threads T.</summary>
    public void Run(string[] args)
    {
        Arguments.RejectUnknown(args, "--rows", "--classes", "--repeats", "--threads");
        Arguments.ApplyThreads(args);
        int rows = Arguments.Int(args, "--rows", 10_000), classes = Arguments.Int(args, "--classes", 10), repeats = Arguments.Int(args, "--repeats", 5);
        using var generator = new Generator(7, CPU);
        using var mean = (rand(rows, classes, dtype: float64, generator: generator) - 0.5) * 8;
        using var variance = (rand(rows, classes, dtype: float64, generator: generator) * Math.Log(160) + Math.Log(0.1)).exp();
        var link = new RobustMax();
        Tensor Hermite()
        {
            var columns = Enumerable.Range(0, classes).Select(k => link.ProbabilityIsLargest(mean, variance, full(rows, (long)k, dtype: int64))).ToArray();
            return stack(columns, 1);
        }
        var (hermiteMs, hermiteSum) = Time(Hermite, repeats);
        var (accurateMs, accurateSum) = Time(() => LargestGaussian.Probabilities(mean, variance), repeats);
        Console.WriteLine($"rows {rows}, classes {classes}, threads {get_num_threads()}, best of {repeats}");
        Console.WriteLine($"baseline  20-point Gauss-Hermite: {hermiteMs,8:F1} ms   largest |row sum - 1| {hermiteSum:E2}");
        Console.WriteLine($"accurate  composite rule:         {accurateMs,8:F1} ms   largest |row sum - 1| {accurateSum:E2}");
        Console.WriteLine($"cost ratio accurate / baseline: {accurateMs / hermiteMs:F2}");
    }

    private static (double Milliseconds, double SumError) Time(Func<Tensor> probabilities, int repeats)
    {
        var best = double.MaxValue;
        var sumError = 0.0;
        for (var r = 0; r < repeats; r++)
        {
            using var scope = NewDisposeScope();
            using var noGrad = no_grad();
            var clock = Stopwatch.StartNew();
            var p = probabilities();
            best = Math.Min(best, clock.Elapsed.TotalMilliseconds);
            sumError = (p.sum(1) - 1).abs().max().item<double>();
        }
        return (best, sumError);
    }
}
