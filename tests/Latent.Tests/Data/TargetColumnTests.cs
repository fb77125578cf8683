using System.IO.Compression;
using System.Text.Json.Nodes;
using Latent.Data;
using Latent.IO;
using static TorchSharp.torch;

namespace Latent.Tests.Data;

public class TargetColumnTests : TorchTest, IDisposable
{
    private readonly string dir = Directory.CreateTempSubdirectory("latent-targets-").FullName;

    public void Dispose() => Directory.Delete(dir, true);

    private string Write(string text, string name = "data.csv")
    {
        var path = Path.Combine(dir, name);
        File.WriteAllText(path, text);
        return path;
    }

    private sealed class ToleranceComparer(double tolerance) : IEqualityComparer<double>
    {
        public bool Equals(double a, double b) => Math.Abs(a - b) <= tolerance;

        public int GetHashCode(double value) => 0;
    }

    private static Dataset Load(string path, bool standardize = false, params string[] targets) =>
        DatasetLoader.Load(new DataOptions { Path = path, TargetColumns = targets, TestFraction = 0.25, Seed = 1, Standardize = standardize });

    [Fact]
    public void TargetColumnsBecomeFloat64TargetsAndTheOtherColumnsFeatures()
    {
        var path = Write("x1,y,label,z\n0.5,1.25,7,-2\n1.5,2.5,8,-4\n2.5,3.75,9,-6\n3.5,5,10,-8\n");
        using var data = Load(path, false, "y", "z");
        Assert.True(data.HasTargets);
        Assert.Equal(new[] { "y", "z" }, data.TargetNames);
        Assert.Equal(ScalarType.Float64, data.Train.Targets!.dtype);
        Assert.Equal(new long[] { 3, 2 }, data.Train.Targets.shape);
        Assert.Equal(new long[] { 3, 2 }, data.Train.Features.shape); // x1 and label are features
        Assert.Null(data.Train.Labels);
        Assert.Equal(0, data.ClassCount);
        // Every row keeps its own targets through the split: y = 1.25 (x1 + 0.5) and z = −2 (x1 + 0.5).
        foreach (var part in new[] { data.Train, data.Test })
        {
            var x = part.Features.select(1, 0).data<float>().ToArray();
            var y = part.Targets!.select(1, 0).data<double>().ToArray();
            var z = part.Targets.select(1, 1).data<double>().ToArray();
            for (var i = 0; i < x.Length; i++)
            {
                Assert.Equal(1.25 * (x[i] + 0.5), y[i], 9);
                Assert.Equal(-2.0 * (x[i] + 0.5), z[i], 9);
            }
        }
    }

    [Fact]
    public void StandardizedTargetsHaveZeroMeanUnitVarianceAndTheStatisticsRoundTripThroughConfigJson()
    {
        var path = Write("x,y\n1,10\n2,20\n3,30\n4,50\n5,70\n6,90\n7,110\n8,130\n");
        using var data = Load(path, true, "y");
        var statistics = data.TargetStandardization!;
        // The targets stay in the data's units; the statistics are the training part's.
        var xs = data.Standardization!.Invert(data.Train.Features).select(1, 0).data<float>().Select(v => Math.Round((double)v)).ToArray();
        var raw = new Dictionary<double, double> { [1] = 10, [2] = 20, [3] = 30, [4] = 50, [5] = 70, [6] = 90, [7] = 110, [8] = 130 };
        var train = data.Train.Targets!.select(1, 0).data<double>().ToArray();
        Assert.Equal(xs.Select(x => raw[x]), train);
        Assert.Equal(train.Average(), statistics.Mean[0], 12);
        Assert.Equal(Math.Sqrt(train.Select(y => (y - train.Average()) * (y - train.Average())).Average()), statistics.Scale[0], 9);
        using var standardized = statistics.Apply(data.Train.Targets);
        Assert.Equal(0.0, standardized.mean().item<double>(), 12);
        Assert.Equal(1.0, standardized.std(unbiased: false).item<double>(), 12);
        using var restored = statistics.InvertMean(standardized);
        Assert.Equal(train, restored.data<double>().ToArray(), new ToleranceComparer(1e-9));

        var description = DataDescription.Of(data, classes: false);
        var config = new ModelConfig("gp", ModelConfig.FirstUnifiedVersion, new JsonObject(), description, TrainingRecord.Untrained(new JsonObject(), 0));
        var read = ModelConfig.FromJson(JsonNode.Parse(config.ToJson().ToJsonString())!.AsObject(), "gp", ModelConfig.FirstUnifiedVersion, "config.json");
        Assert.Equal(statistics.Mean, read.Data.TargetStandardization!.Mean);
        Assert.Equal(statistics.Scale, read.Data.TargetStandardization.Scale);
        Assert.Equal(new[] { "y" }, read.RequireTargetNames());
        Assert.Equal(ModelConfig.TopLevelKeys, config.ToJson().Select(entry => entry.Key));
    }

    [Fact]
    public void FloatYOfAnNpzReadsAsTargetsOfOneOrSeveralOutputs()
    {
        var path = Path.Combine(dir, "regression.npz");
        NpyBytes.WriteNpz(path, [
            ("x_train", NpyBytes.Array("<f4", [4, 2], [0, 1, 2, 3, 4, 5, 6, 7])),
            ("y_train", NpyBytes.Array("<f8", [4, 2], [0.5, -1, 1.5, -2, 2.5, -3, 3.5, -4])),
            ("x_test", NpyBytes.Array("<f4", [1, 2], [8, 9])),
            ("y_test", NpyBytes.Array("<f8", [1, 2], [4.5, -5])),
        ], CompressionLevel.Optimal);
        using var data = DatasetLoader.Load(new DataOptions { Path = path, TargetColumns = ["a", "b"] });
        Assert.Equal(new[] { "a", "b" }, data.TargetNames);
        Assert.Equal(new[] { 0.5, -1, 1.5, -2, 2.5, -3, 3.5, -4 }, data.Train.Targets!.data<double>().ToArray());
        Assert.Equal(new[] { 4.5, -5 }, data.Test.Targets!.data<double>().ToArray());
    }

    [Theory]
    [InlineData("x,y\n1,2\n2,abc\n3,4\n4,5\n", "y", "row 2 (line 3), column 'y': target 'abc' is not a number")]
    [InlineData("x,y\n1,2\n2,NaN\n3,4\n4,5\n", "y", "column 'y': target 'NaN' is not a finite number")]
    [InlineData("x,y\n1,2\n2,3\n3,4\n4,5\n", "price", "no target column 'price' (the columns are: x, y)")]
    [InlineData("y\n1\n2\n3\n4\n", "y", "no feature columns besides the target columns")]
    public void BadTargetColumnsAreOneLineErrorsNamingTheFile(string text, string column, string expected)
    {
        var path = Write(text);
        var error = Assert.Throws<LatentException>(() => Load(path, false, column));
        Assert.Contains(expected, error.Message);
        Assert.StartsWith(path, error.Message);
    }
}
