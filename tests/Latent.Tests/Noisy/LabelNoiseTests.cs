using Latent.Data;
using static TorchSharp.torch;

namespace Latent.Tests.Noisy;

public sealed class LabelNoiseTests
{
    public LabelNoiseTests() => LatentRuntime.Initialize();

    [Fact]
    public void SymmetricMatrixHasTheTextbookEntries()
    {
        using var t = LabelNoise.Symmetric(10, 0.5);
        for (int i = 0; i < 10; i++)
            for (int j = 0; j < 10; j++)
                Assert.Equal(i == j ? 0.5 : 0.5 / 9, t[i, j].item<double>(), 1e-15);
    }

    [Fact]
    public void MnistPairsMoveTheNamedPairsOnly()
    {
        using var t = LabelNoise.MnistPairs(0.45);
        var flips = new Dictionary<int, int> { [2] = 7, [3] = 8, [5] = 6, [6] = 5, [7] = 1 };
        for (int j = 0; j < 10; j++)
            for (int i = 0; i < 10; i++)
            {
                double expected = flips.TryGetValue(j, out var target)
                    ? (i == j ? 0.55 : i == target ? 0.45 : 0)
                    : (i == j ? 1 : 0);
                Assert.Equal(expected, t[i, j].item<double>(), 1e-15);
            }
    }

    [Theory]
    [InlineData("symmetric:0.5")]
    [InlineData("pairflip:0.45")]
    [InlineData("mnist-pairs:0.45")]
    public void InjectionRealisesTheMatrixWithinSamplingError(string specification)
    {
        using var t = LabelNoise.Parse(specification, 10);
        using var clean = arange(200_000, dtype: ScalarType.Int64).remainder(10);
        using var noisy = LabelNoise.Inject(clean, t, new Generator(11));
        using var realised = LabelNoise.Realised(clean, noisy, 10);
        const double perClass = 20_000;
        for (int i = 0; i < 10; i++)
            for (int j = 0; j < 10; j++)
            {
                double p = t[i, j].item<double>();
                double tolerance = 5 * Math.Sqrt(p * (1 - p) / perClass) + 1e-12;
                Assert.InRange(realised[i, j].item<double>(), p - tolerance, p + tolerance);
            }
    }

    [Fact]
    public void RealisedMatrixCountsPairsByHand()
    {
        using var clean = tensor(new long[] { 0, 0, 0, 1, 1, 2 });
        using var noisy = tensor(new long[] { 0, 1, 1, 1, 1, 0 });
        using var realised = LabelNoise.Realised(clean, noisy, 3);
        Assert.Equal(1.0 / 3, realised[0, 0].item<double>(), 1e-15);
        Assert.Equal(2.0 / 3, realised[1, 0].item<double>(), 1e-15);
        Assert.Equal(1.0, realised[1, 1].item<double>(), 1e-15);
        Assert.Equal(1.0, realised[0, 2].item<double>(), 1e-15);
        Assert.Equal(0.0, realised[2, 2].item<double>(), 1e-15);
    }

    [Fact]
    public void SameSeedGivesSameNoisyLabels()
    {
        using var t = LabelNoise.Symmetric(10, 0.3);
        using var clean = arange(5000, dtype: ScalarType.Int64).remainder(10);
        using var first = LabelNoise.Inject(clean, t, new Generator(5));
        using var second = LabelNoise.Inject(clean, t, new Generator(5));
        using var third = LabelNoise.Inject(clean, t, new Generator(6));
        Assert.True(first.eq(second).all().item<bool>());
        Assert.False(first.eq(third).all().item<bool>());
    }

    [Fact]
    public void CsvMatrixIsReadAndValidated()
    {
        var directory = Directory.CreateTempSubdirectory("latent-noise-");
        try
        {
            var good = Path.Combine(directory.FullName, "good.csv");
            File.WriteAllText(good, "0.9,0.2,0\n0.1,0.8,0\n0,0,1\n");
            using var t = LabelNoise.FromCsv(good, 3);
            Assert.Equal(0.2, t[0, 1].item<double>(), 1e-15);
            var columns = Path.Combine(directory.FullName, "columns.csv");
            File.WriteAllText(columns, "0.9,0.2,0\n0.2,0.8,0\n0,0,1\n");
            Assert.Contains("sum to 1", Assert.Throws<LatentException>(() => LabelNoise.FromCsv(columns, 3)).Message);
            var text = Path.Combine(directory.FullName, "text.csv");
            File.WriteAllText(text, "1,0\nx,1\n");
            Assert.Contains("not a number", Assert.Throws<LatentException>(() => LabelNoise.FromCsv(text, 2)).Message);
            Assert.Throws<LatentException>(() => LabelNoise.FromCsv(Path.Combine(directory.FullName, "missing.csv"), 3));
        }
        finally
        {
            directory.Delete(true);
        }
    }

    [Fact]
    public void PairFlipSendsEachClassToTheNextForThreeClasses()
    {
        var expected = new double[,]
        {
            { 0.7, 0.0, 0.3 },
            { 0.3, 0.7, 0.0 },
            { 0.0, 0.3, 0.7 },
        };
        using var t = LabelNoise.Parse("pairflip:0.3", 3);
        AssertMatrix(expected, t);
    }

    [Fact]
    public void PairFlipSendsEachClassToTheNextForFiveClasses()
    {
        var expected = new double[,]
        {
            { 0.8, 0.0, 0.0, 0.0, 0.2 },
            { 0.2, 0.8, 0.0, 0.0, 0.0 },
            { 0.0, 0.2, 0.8, 0.0, 0.0 },
            { 0.0, 0.0, 0.2, 0.8, 0.0 },
            { 0.0, 0.0, 0.0, 0.2, 0.8 },
        };
        using var t = LabelNoise.PairFlip(5, 0.2);
        AssertMatrix(expected, t);
    }

    [Fact]
    public void MnistPairsNeedTenClassesAndCsvMatrixMustBeCByC()
    {
        Assert.Contains("need 10 classes", Assert.Throws<LatentException>(() => LabelNoise.Parse("mnist-pairs:0.2", 3)).Message);
        var path = Path.Combine(Path.GetTempPath(), $"latent-noise-{Guid.NewGuid():N}.csv");
        File.WriteAllText(path, "1,0\n0,1\n");
        try
        {
            var message = Assert.Throws<LatentException>(() => LabelNoise.Parse(path, 3)).Message;
            Assert.Contains("expected a 3×3 matrix", message);
            Assert.DoesNotContain("\n", message);
        }
        finally
        {
            File.Delete(path);
        }
    }

    private static void AssertMatrix(double[,] expected, Tensor actual)
    {
        int classes = expected.GetLength(0);
        Assert.Equal(new long[] { classes, classes }, actual.shape);
        for (int i = 0; i < classes; i++)
            for (int j = 0; j < classes; j++)
                Assert.Equal(expected[i, j], actual[i, j].item<double>(), 1e-15);
    }

    [Theory]
    [InlineData("symmetric")]
    [InlineData("symmetric:1.5")]
    [InlineData("uniform:0.2")]
    public void BadSpecificationsThrow(string specification) =>
        Assert.Throws<LatentException>(() => LabelNoise.Parse(specification, 10));

    [Fact]
    public void OutOfRangeLabelsThrow()
    {
        using var t = LabelNoise.Symmetric(3, 0.1);
        using var labels = tensor(new long[] { 0, 3 });
        Assert.Throws<LatentException>(() => LabelNoise.Inject(labels, t, new Generator(1)));
    }
}
