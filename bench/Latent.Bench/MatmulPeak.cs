using System.Diagnostics;
using static TorchSharp.torch;

namespace Latent.Bench;

/// <summary>Measures the machine's dense matrix-multiply rate through libtorch, the yardstick for "fraction of peak".</summary>
public static class MatmulPeak
{
    /// <summary>Best GFLOP/s of several n×n torch.mm calls in <paramref name="dtype"/>.</summary>
    public static double MeasureGflops(ScalarType dtype, int n = 2048, int repeats = 5)
    {
        using var scope = NewDisposeScope();
        var a = randn(new long[] { n, n }, dtype);
        var b = randn(new long[] { n, n }, dtype);
        a.mm(b);
        double best = double.MaxValue;
        for (int i = 0; i < repeats; i++)
        {
            var clock = Stopwatch.StartNew();
            a.mm(b).Dispose();
            best = Math.Min(best, clock.Elapsed.TotalSeconds);
        }
        return 2.0 * n * n * n / best / 1e9;
    }
}
