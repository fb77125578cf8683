using Latent.Nn;
using static TorchSharp.torch;

namespace Latent.Tests.Noisy;

public sealed class SimplexProjectionTests
{
    public SimplexProjectionTests() => LatentRuntime.Initialize();

    /// <summary>Reference projection by bisection on the threshold θ of Σ max(v − θ, 0) = 1 (a different route from sorting).</summary>
    private static double[] BisectionProjection(double[] v)
    {
        double low = v.Min() - 1, high = v.Max();
        for (int iteration = 0; iteration < 200; iteration++)
        {
            double middle = 0.5 * (low + high);
            double mass = v.Sum(x => Math.Max(x - middle, 0));
            if (mass > 1) low = middle; else high = middle;
        }
        double theta = 0.5 * (low + high);
        return v.Select(x => Math.Max(x - theta, 0)).ToArray();
    }

    private static IEnumerable<double[]> Columns(Random random)
    {
        for (int trial = 0; trial < 40; trial++)
        {
            int n = 1 + random.Next(12);
            double scale = trial % 3 == 0 ? 0.1 : trial % 3 == 1 ? 1 : 10;
            yield return Enumerable.Range(0, n).Select(_ => (random.NextDouble() * 2 - 1) * scale).ToArray();
        }
        yield return [0.5, 0.5, 0.5, 0.5];
        yield return [2, 2, -1, -1];
        yield return [-3, -3, -3];
        yield return [0.3, 0.3, 0.3, 0.1];
        yield return [1, 0, 0];
        yield return [0.7, 0.7, 0.7, -5, 0.7];
    }

    [Fact]
    public void ProjectionMatchesBisectionReferenceIncludingTiesAndNegatives()
    {
        foreach (var column in Columns(new Random(3)))
        {
            var expected = BisectionProjection(column);
            using var projected = SimplexProjection.ProjectVector(tensor(column, ScalarType.Float64));
            var actual = projected.data<double>().ToArray();
            for (int i = 0; i < column.Length; i++) Assert.Equal(expected[i], actual[i], 1e-9);
            Assert.Equal(1.0, actual.Sum(), 1e-12);
            Assert.All(actual, value => Assert.True(value >= 0));
        }
    }

    [Fact]
    public void ProjectionIsCloserThanAnyOtherSimplexPoint()
    {
        var random = new Random(5);
        foreach (var column in Columns(new Random(4)))
        {
            using var projected = SimplexProjection.ProjectVector(tensor(column, ScalarType.Float64));
            var p = projected.data<double>().ToArray();
            double best = column.Zip(p, (a, b) => (a - b) * (a - b)).Sum();
            for (int sample = 0; sample < 200; sample++)
            {
                var raw = column.Select(_ => -Math.Log(1 - random.NextDouble())).ToArray();
                double total = raw.Sum();
                // Mix random simplex points with small perturbations of p along the simplex to probe nearby points too.
                var other = sample % 2 == 0
                    ? raw.Select(x => x / total).ToArray()
                    : p.Zip(raw, (a, b) => 0.9 * a + 0.1 * b / total).ToArray();
                double distance = column.Zip(other, (a, b) => (a - b) * (a - b)).Sum();
                Assert.True(best <= distance + 1e-12, $"a simplex point at squared distance {distance} beats the projection's {best}");
            }
        }
    }

    [Fact]
    public void ProjectColumnsProjectsEveryColumnIndependently()
    {
        var random = new Random(8);
        var values = Enumerable.Range(0, 7 * 5).Select(_ => random.NextDouble() * 4 - 2).ToArray();
        using var matrix = tensor(values, new long[] { 7, 5 }, ScalarType.Float64);
        using var projected = SimplexProjection.ProjectColumns(matrix);
        for (int j = 0; j < 5; j++)
        {
            var expected = BisectionProjection(Enumerable.Range(0, 7).Select(i => values[i * 5 + j]).ToArray());
            for (int i = 0; i < 7; i++) Assert.Equal(expected[i], projected[i, j].item<double>(), 1e-9);
        }
    }

    [Fact]
    public void PointsOnTheSimplexAreLeftUnchanged()
    {
        using var point = tensor(new[] { 0.2f, 0.0f, 0.5f, 0.3f });
        using var projected = SimplexProjection.ProjectVector(point);
        Assert.Equal(point.data<float>().ToArray(), projected.data<float>().ToArray());
    }

    [Fact]
    public void HugeFloatEntriesStillLandOnTheSimplex()
    {
        using var column = tensor(new[] { 3e30f, 1e30f, -2e30f, 0.5f });
        using var projected = SimplexProjection.ProjectVector(column);
        Assert.Equal(new[] { 1f, 0f, 0f, 0f }, projected.data<float>().ToArray());
        using var nearTie = tensor(new[] { 1e8f, 1e8f, 0f });
        using var split = SimplexProjection.ProjectVector(nearTie);
        Assert.Equal(new[] { 0.5f, 0.5f, 0f }, split.data<float>().ToArray());
    }

    [Fact]
    public void NonFiniteInputIsRejected()
    {
        using var bad = tensor(new[] { 0.5, double.NaN });
        Assert.Throws<LatentException>(() => SimplexProjection.ProjectVector(bad));
        using var cube = zeros(2, 2, 2);
        Assert.Throws<LatentException>(() => SimplexProjection.ProjectColumns(cube));
    }
}
