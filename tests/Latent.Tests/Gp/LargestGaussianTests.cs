using Latent.Gp;
using Latent.Gp.Likelihoods;
using static TorchSharp.torch;

namespace Latent.Tests.Gp;

/// <summary>
/// P(f_k is the largest) against reference values computed independently (SciPy: a dense composite Gauss–Legendre rule with
/// panels of σ_min/8 over ±11σ, log_ndtr products, self-consistent to 1e−14), and against the two-class closed form.
/// </summary>
public class LargestGaussianTests
{
    public LargestGaussianTests() => LatentRuntime.Initialize();

    /// <summary>Means, variances and reference probabilities: ten classes with means spread by ±4 and variances 0.1–16 (the wide regime), ten nearly tied classes with mixed widths, mean gaps of ±20 with variances 1e−2…1e2.</summary>
    public static TheoryData<double[], double[], double[]> Cases() => new()
    {
        {
            [-3.1, 2.4, 0.7, -4.0, 3.9, 1.2, -0.5, 3.3, -2.2, 0.1],
            [16.0, 0.1, 4.0, 9.0, 0.25, 12.0, 1.0, 0.1, 6.0, 2.5],
            [0.0339684591173424, 0.000504527613144119, 0.0450882920770094, 0.00342135521826298, 0.598476463906182, 0.207345042770941, 1.18075925849116e-05, 0.0990862575189809, 0.00517463395890437, 0.00692316022664521]
        },
        {
            [0.0, 0.3, -0.2, 0.1, 0.05, -0.4, 0.25, 0.0, -0.1, 0.35],
            [0.1, 16.0, 0.2, 8.0, 0.5, 12.0, 0.1, 3.0, 16.0, 0.3],
            [0.0041818470513394, 0.262618268120457, 0.00377042520601152, 0.171745521266798, 0.0232414891756187, 0.17156977968769, 0.014519081797177, 0.0861100295052925, 0.227432646674689, 0.0348109115149218]
        },
        { [20.0, 0.0, -20.0], [100.0, 0.01, 1.0], [0.977244468820167, 0.0227555311797877, 4.40385279753969e-90] },
        { [1.0, 1.2, 0.8, -5.0, 7.5], [0.01, 0.01, 100.0, 50.0, 0.02], [0, 0, 0.248598253518375, 0.031723127585019, 0.719678618896591] },
    };

    /// <summary>The first case: ten classes with means spread by ±4 and variances 0.1–16.</summary>
    private static (double[] Mean, double[] Variance, double[] Reference) WideRegime()
    {
        var row = Cases().First();
        return ((double[])row[0], (double[])row[1], (double[])row[2]);
    }

    [Theory]
    [MemberData(nameof(Cases))]
    public void MatchesTheReferenceWithin1e6AndSumsToOne(double[] mean, double[] variance, double[] reference)
    {
        using var p = LargestGaussian.Probabilities(tensor(mean, [1, mean.Length], dtype: float64), tensor(variance, [1, mean.Length], dtype: float64));
        var values = p.data<double>().ToArray();
        for (var k = 0; k < mean.Length; k++) Assert.True(Math.Abs(values[k] - reference[k]) < 1e-6, $"class {k}: {values[k]:R} vs reference {reference[k]:R}");
        Assert.Equal(1.0, values.Sum(), 1e-12);
    }

    [Fact]
    public void TheTwentyPointHermiteRuleIsOffByMoreThan1e2InTheWideRegime()
    {
        var (mean, variance, reference) = WideRegime();
        var link = new RobustMax(1e-3);
        using var m = tensor(mean, [1, 10], dtype: float64);
        using var v = tensor(variance, [1, 10], dtype: float64);
        var hermite = Enumerable.Range(0, 10).Select(k => link.ProbabilityIsLargest(m, v, tensor(new long[] { k })).item<double>()).ToArray();
        Assert.True(hermite.Zip(reference, (a, b) => Math.Abs(a - b)).Max() > 1e-2);
        Assert.True(Math.Abs(hermite.Sum() - 1) > 1e-2);
    }

    [Fact]
    public void TwoClassesMatchTheClosedFormForManyMeanGapsAndVariances()
    {
        var rows = new List<(double M1, double M2, double V1, double V2)>();
        foreach (var gap in new[] { -20.0, -3.0, -0.5, 0.0, 0.7, 4.0, 20.0 })
            foreach (var (v1, v2) in new[] { (0.01, 0.01), (0.01, 100.0), (100.0, 0.01), (1.0, 3.0), (50.0, 80.0) })
                rows.Add((gap, 0.0, v1, v2));
        using var mean = tensor(rows.SelectMany(r => new[] { r.M1, r.M2 }).ToArray(), [rows.Count, 2], dtype: float64);
        using var variance = tensor(rows.SelectMany(r => new[] { r.V1, r.V2 }).ToArray(), [rows.Count, 2], dtype: float64);
        var values = LargestGaussian.Probabilities(mean, variance).data<double>().ToArray();
        for (var i = 0; i < rows.Count; i++)
        {
            var (m1, m2, v1, v2) = rows[i];
            var exact = 0.5 * Erfc(-(m1 - m2) / Math.Sqrt(2 * (v1 + v2)));
            Assert.True(Math.Abs(values[2 * i] - exact) < 1e-6, $"gap {m1 - m2}, variances {v1}/{v2}: {values[2 * i]:R} vs {exact:R}");
        }
    }

    [Fact]
    public void RobustMaxPredictYUsesTheAccurateProbabilities()
    {
        var (mean, variance, reference) = WideRegime();
        const double epsilon = 1e-3;
        var likelihood = new MultiClass(10, new RobustMax(epsilon));
        using var m = tensor(mean, [1, 10], dtype: float64);
        using var v = tensor(variance, [1, 10], dtype: float64);
        var predicted = likelihood.PredictMeanAndVariance(m, v).Mean.data<double>().ToArray();
        for (var k = 0; k < 10; k++)
            Assert.Equal(reference[k] * (1 - epsilon) + (1 - reference[k]) * epsilon / 9, predicted[k], 1e-6);
        Assert.Equal(1.0, predicted.Sum(), 1e-9);
        var logDensity = likelihood.PredictLogDensity(m, v, tensor(new long[] { 4 })).item<double>();
        Assert.Equal(Math.Log(predicted[4]), logDensity, 1e-12);
    }

    [Fact]
    public void ManyRowsAreProcessedInChunksWithTheSameResult()
    {
        using var generator = new Generator(3, CPU);
        using var mean = randn(2500, 4, dtype: float64, generator: generator) * 3;
        using var variance = rand(2500, 4, dtype: float64, generator: generator) * 10 + 0.01;
        using var all = LargestGaussian.Probabilities(mean, variance);
        using var one = LargestGaussian.Probabilities(mean.narrow(0, 2100, 5), variance.narrow(0, 2100, 5));
        Assert.True(all.narrow(0, 2100, 5).allclose(one, 0, 1e-15));
    }

    /// <summary>erfc by its continued fraction (x ≥ 0.5) or Taylor series of erf, to about 1e−15: independent of libtorch.</summary>
    private static double Erfc(double x)
    {
        if (x < 0) return 2 - Erfc(-x);
        if (x < 2)
        {
            double sum = 0, term = x;
            for (var n = 0; n < 80; n++)
            {
                sum += term / (2 * n + 1);
                term *= -x * x / (n + 1);
            }
            return 1 - 2 / Math.Sqrt(Math.PI) * sum;
        }
        double fraction = 0;
        for (var n = 120; n >= 1; n--) fraction = n / 2.0 / (x + fraction);
        return Math.Exp(-x * x) / Math.Sqrt(Math.PI) / (x + fraction);
    }
}
