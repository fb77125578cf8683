using Latent.Gp;
using static TorchSharp.torch;

namespace Latent.Tests.Gp;

public class GaussHermiteTests
{
    public GaussHermiteTests() => LatentRuntime.Initialize();

    /// <summary>∫ x^k exp(−x²) dx = Γ((k + 1)/2) for even k, 0 for odd k.</summary>
    private static double MonomialIntegral(int k) => k % 2 == 1 ? 0.0 : Gamma((k + 1) / 2.0);

    private static double Gamma(double half)
    {
        var value = Math.Sqrt(Math.PI);
        for (var x = 0.5; x < half - 1e-9; x += 1) value *= x;
        return value;
    }

    [Theory]
    [InlineData(1)]
    [InlineData(3)]
    [InlineData(5)]
    [InlineData(20)]
    public void IntegratesPolynomialsUpToDegree2nMinus1Exactly(int points)
    {
        var rule = new GaussHermite(points);
        for (var k = 0; k <= 2 * points - 1; k++)
        {
            var power = k;
            var expected = MonomialIntegral(k);
            var magnitude = Math.Max(1, rule.Integrate(x => Math.Pow(Math.Abs(x), power)));
            Assert.Equal(expected, rule.Integrate(x => Math.Pow(x, power)), 1e-12 * magnitude);
        }
    }

    [Fact]
    public void ThreePointRuleMatchesTextbookNodesAndWeights()
    {
        var rule = new GaussHermite(3);
        Assert.Equal(new[] { -Math.Sqrt(1.5), 0.0, Math.Sqrt(1.5) }, rule.Nodes.Select(x => Math.Round(x, 12)).ToArray(), (a, b) => Math.Abs(a - b) < 1e-11);
        Assert.Equal(Math.Sqrt(Math.PI) / 6, rule.Weights[0], 1e-12);
        Assert.Equal(2 * Math.Sqrt(Math.PI) / 3, rule.Weights[1], 1e-12);
        Assert.Equal(Math.Sqrt(Math.PI) / 6, rule.Weights[2], 1e-12);
    }

    [Fact]
    public void ExpectationMatchesGaussianMoments()
    {
        var rule = new GaussHermite(10);
        using var mean = tensor(new[] { 0.5, -1.2 }, [2, 1], dtype: float64);
        using var variance = tensor(new[] { 2.0, 0.3 }, [2, 1], dtype: float64);
        var fourth = rule.Expectation(x => x.pow(4).squeeze(-1), mean, variance).data<double>().ToArray();
        double Fourth(double m, double v) => m * m * m * m + 6 * m * m * v + 3 * v * v;
        Assert.Equal(Fourth(0.5, 2.0), fourth[0], 1e-10);
        Assert.Equal(Fourth(-1.2, 0.3), fourth[1], 1e-10);
    }

    [Fact]
    public void TwoDimensionalGridIntegratesProductMoments()
    {
        var rule = new GaussHermite(4);
        var (nodes, weights) = rule.Grid(2);
        Assert.Equal(new long[] { 16, 2 }, nodes.shape);
        Assert.Equal(Math.PI, weights.sum().item<double>(), 1e-12);
        using var mean = tensor(new[] { 0.3, -0.7 }, [1, 2], dtype: float64);
        using var variance = tensor(new[] { 1.5, 0.4 }, [1, 2], dtype: float64);
        var value = rule.Expectation(x => x.select(-1, 0).square() * x.select(-1, 1).square() + x.select(-1, 0) * x.select(-1, 1), mean, variance).item<double>();
        var expected = (0.3 * 0.3 + 1.5) * (0.7 * 0.7 + 0.4) + 0.3 * -0.7;
        Assert.Equal(expected, value, 1e-12);
    }

    [Fact]
    public void RejectsBadArguments()
    {
        Assert.Throws<LatentException>(() => new GaussHermite(0));
        using var mean = zeros(3, 2, dtype: float64);
        using var variance = ones(3, 1, dtype: float64);
        Assert.Throws<LatentException>(() => new GaussHermite(5).Expectation(x => x.sum(-1), mean, variance));
    }
}

public class GaussLegendreTests
{
    public GaussLegendreTests() => LatentRuntime.Initialize();

    [Theory]
    [InlineData(1)]
    [InlineData(4)]
    [InlineData(6)]
    [InlineData(12)]
    public void IntegratesPolynomialsUpToDegree2nMinus1Exactly(int points)
    {
        var rule = new GaussLegendre(points);
        for (var k = 0; k <= 2 * points - 1; k++)
        {
            var power = k;
            Assert.Equal(k % 2 == 1 ? 0.0 : 2.0 / (k + 1), rule.Integrate(x => Math.Pow(x, power)), 1e-13);
        }
        Assert.Equal(2.0, rule.Weights.Sum(), 1e-13);
    }

    [Fact]
    public void ThreePointRuleMatchesTextbookNodesAndWeights()
    {
        var rule = new GaussLegendre(3);
        Assert.Equal(new[] { -Math.Sqrt(0.6), 0.0, Math.Sqrt(0.6) }, rule.Nodes.ToArray(), new ToleranceComparer(1e-14));
        Assert.Equal(new[] { 5.0 / 9, 8.0 / 9, 5.0 / 9 }, rule.Weights.ToArray(), new ToleranceComparer(1e-14));
        Assert.Equal(Math.Exp(1) - Math.Exp(-1), new GaussLegendre(12).Integrate(Math.Exp), 1e-14);
        Assert.Equal(1 - Math.Cos(3), new GaussLegendre(12).Integrate(Math.Sin, 0, 3), 1e-13);
    }

    private sealed class ToleranceComparer(double tolerance) : IEqualityComparer<double>
    {
        public bool Equals(double a, double b) => Math.Abs(a - b) <= tolerance;

        public int GetHashCode(double value) => 0;
    }
}
