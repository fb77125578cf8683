using System.Text.Json.Nodes;
using Latent.IO;
using Latent.Noisy;
using Latent.Training;

namespace Latent.Tests.Noisy;

public sealed class NoisyComparisonTests
{
    /// <summary>A run of <paramref name="model"/> whose selected epoch has <paramref name="validationLoss"/>, with the given clean accuracy and max |Q − T|.</summary>
    private static NoisyRun Run(NoiseModel model, double validationLoss, double accuracy, double error) => new(
        NoiseModels.NameOf(model),
        new NoisyTrainingResult(model, [new EpochRecord(1, 1.0, accuracy, 0, 0, error, 1, null, validationLoss)], new double[4], 2, 1),
        new NoisyMetrics(new ClassificationMetrics(10, accuracy, 0.5, 0.1, []), error));

    [Fact]
    public void RecommendsTheLowestNoisyValidationLossButNeverTheOracleAndListsEveryModel()
    {
        var comparison = NoisyComparison.Of([
            Run(NoiseModel.None, 0.9, 0.80, 0.3), Run(NoiseModel.Softmax, 0.7, 0.85, 0.04), Run(NoiseModel.Project, 0.6, 0.84, 0.03),
            Run(NoiseModel.ForwardKnown, 0.5, 0.90, 0)]);
        Assert.Equal("project", comparison.Recommended);
        Assert.Equal(0.84, comparison.Numbers["test_accuracy"]);
        Assert.Equal(0.03, comparison.Numbers["transition_max_abs_error"]);
        Assert.Equal(0.85, comparison.Numbers["softmax_test_accuracy"]);
        Assert.Equal(0.3, comparison.Numbers["none_transition_max_abs_error"]);
        Assert.Equal(0.0, comparison.Numbers["forward-true_transition_max_abs_error"]);
        Assert.Equal("project", comparison.Labels[NoisyComparison.RecommendedKey]);
    }

    [Fact]
    public void WithoutValidationLossesTheFirstLearnedQIsRecommended()
    {
        var comparison = NoisyComparison.Of([Run(NoiseModel.None, double.NaN, 0.8, 0.3), Run(NoiseModel.Project, double.NaN, 0.7, 0.1), Run(NoiseModel.Softmax, double.NaN, 0.9, 0.2)]);
        Assert.Equal("project", comparison.Recommended);
        Assert.Equal(0.7, comparison.Numbers["test_accuracy"]);
    }

    [Fact]
    public void MetricsFileWritesNumbersThenStringEntriesAsOneJsonObject()
    {
        var directory = Directory.CreateTempSubdirectory("latent-metrics-").FullName;
        try
        {
            var path = MetricsFile.Write(directory, new Dictionary<string, double> { ["a"] = 0.25, ["b"] = double.NaN }, new Dictionary<string, string> { ["recommended_model"] = "say \"softmax\"" });
            var json = JsonNode.Parse(File.ReadAllText(path))!.AsObject();
            Assert.Equal(["a", "b", "recommended_model"], json.Select(entry => entry.Key));
            Assert.Equal(0.25, json["a"]!.GetValue<double>());
            Assert.Null(json["b"]);
            Assert.Equal("say \"softmax\"", json["recommended_model"]!.GetValue<string>());
        }
        finally
        {
            Directory.Delete(directory, true);
        }
    }
}
