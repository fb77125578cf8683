using System.Diagnostics;
using System.Globalization;
using Latent.Data;
using Latent.Gp;
using Latent.Gp.Kernels;
using Latent.Gp.Likelihoods;
using Latent.Gp.Models;
using static TorchSharp.torch;

namespace Latent.Bench;

/// <summary>
/// Seconds per SVGP training step (M = 500, 10 latent GPs, batch 1000, 784-D MNIST, Matérn-5/2 + White ARD, RobustMax, whitened)
/// for diagonal and full q(u), beside this machine's matrix-multiply peak (float64, or float32 with --dtype float32) measured in the same run,
/// then a per-stage profile of one step (<see cref="SvgpProfile"/>).
/// </summary>
public sealed class SvgpIterationWorkload : IWorkload
{
    private const int Inducing = 500;
    private const int Latents = 10;
    private const int Batch = 1000;

    /// <inheritdoc />
    public string Name => "svgp-iteration";

    /// <inheritdoc />
    public string Description => "s per SVGP Adam step (M=500, L=10, B=1000, D=784) and the fraction of the matmul peak (baseline: torch.mm in the same dtype), with a per-stage profile [--q diagonal|full|both] [--dtype float64|float32] [--steps 10] [--threads N]";

    /// <summary>Runs the workload; options: --steps N (timed steps, default 10), --threads T (libtorch threads, default all cores), --data DIR (MNIST), --q diagonal|full|both (default both), --dtype float64|float32 (default float64; the peak is measured in the same type).</summary>
    public void Run(string[] args)
    {
        Arguments.RejectUnknown(args, "--steps", "--threads", "--data", "--q", "--dtype");
        var dtype = Arguments.Text(args, "--dtype") switch
        {
            null or "float64" => ScalarType.Float64,
            "float32" => ScalarType.Float32,
            var other => throw new LatentException($"option --dtype must be float64 or float32, got '{other}'"),
        };
        var forms = Arguments.Text(args, "--q") switch
        {
            null or "both" => new[] { true, false },
            "diagonal" => [true],
            "full" => [false],
            var other => throw new LatentException($"option --q must be diagonal, full or both, got '{other}'"),
        };
        var steps = Arguments.Int(args, "--steps", 10);
        var directory = Arguments.Text(args, "--data");
        if (Arguments.Text(args, "--threads") is not null) set_num_threads(Arguments.Int(args, "--threads", 1));
        Console.WriteLine($"libtorch threads: {get_num_threads()}");
        var peak = MeasurePeak(dtype);
        Console.WriteLine($"baseline: torch.mm {dtype} 2048x2048 peak {peak:F1} GFLOP/s");

        using var mnist = Mnist.Load(directory, MnistSplit.Train);
        var images = mnist.Images.narrow(0, 0, 10_000);
        var labels = mnist.Labels.narrow(0, 0, 10_000);
        foreach (var diagonal in forms)
        {
            var z = InducingPoints.EveryKth(images, (int)(images.shape[0] / Inducing)).narrow(0, 0, Inducing);
            var kernel = new Matern52(1.0, Enumerable.Repeat(5.0, 784).ToArray()) + new White(0.01);
            var model = new Svgp(kernel, new MultiClass(Latents, new RobustMax()), z, Latents, 60_000, new SvgpOptions { QDiagonal = diagonal, Dtype = dtype, Jitter = SvgpOptions.JitterFor(dtype) });
            using var generator = new Generator(0, CPU);
            SvgpTraining.Train(model, images, labels, new SvgpTrainingSettings(2, Batch, 0.01));
            var ends = new List<double>();
            var clock = FaultClock.StartNew();
            SvgpTraining.Train(model, images, labels, new SvgpTrainingSettings(steps, Batch, 0.01), progress: _ => ends.Add(clock.Seconds));
            clock.Stop();
            var times = ends.Select((end, i) => end - (i == 0 ? 0 : ends[i - 1])).Order().ToArray();
            var seconds = ends[^1] / steps;
            peak = Math.Max(peak, MeasurePeak(dtype));
            var flops = EstimatedFlops(diagonal);
            var achieved = flops / seconds / 1e9;
            Console.WriteLine($"latent: q {(diagonal ? "diagonal" : "full")}: {seconds:F3} s/step over {steps} steps; ≈{flops / 1e9:F1} GFLOP/step (forward+backward estimate) " +
                $"→ {achieved:F1} GFLOP/s = {achieved / peak:P1} of the {dtype} peak (ideal {flops / 1e9 / peak:F3} s/step); {clock.PerStep(steps)}");
            Console.WriteLine($"  fastest step {times[0]:F3} s = {flops / times[0] / 1e9 / peak:P1} of peak; median {times[times.Length / 2]:F3} s (best peak of the run: {peak:F1} GFLOP/s)");
            using var x = images.narrow(0, 0, Batch).to(dtype);
            using var y = labels.narrow(0, 0, Batch);
            SvgpProfile.Print(model, x, y, generator);
        }
    }

    /// <summary>
    /// Dense-equivalent floating-point operations of one step: Kmn (2MBD), Kmm (2M²D), Cholesky (M³/3), the triangular solve (M²B),
    /// the mean (2MBL) and, for a full q, the q-covariance product (2LM²B); backward is taken as twice the forward.
    /// </summary>
    private static double EstimatedFlops(bool diagonal)
    {
        double m = Inducing, b = Batch, d = 784, l = Latents;
        var forward = 2 * m * b * d + 2 * m * m * d + m * m * m / 3 + m * m * b + 2 * m * b * l + (diagonal ? 0 : 2 * l * m * m * b);
        return 3 * forward;
    }

    private static double MeasurePeak(ScalarType dtype)
    {
        const int n = 2048;
        using var generator = new Generator(1, CPU);
        using var a = randn(n, n, dtype: dtype, generator: generator);
        using var b = randn(n, n, dtype: dtype, generator: generator);
        using (var warm = a.mm(b)) { }
        var best = double.MaxValue;
        for (var i = 0; i < 5; i++)
        {
            var clock = Stopwatch.StartNew();
            using var c = a.mm(b);
            best = Math.Min(best, clock.Elapsed.TotalSeconds);
        }
        return 2.0 * n * n * n / best / 1e9;
    }
}
