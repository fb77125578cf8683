using System.Globalization;
using System.Text.Json.Nodes;
using Latent.Noisy;

namespace Latent.Tests.Cli;

/// <summary>`noisy train`, `mlp` and `curves` end to end on tiny IDX folders, with their default options.</summary>
public class ClassifierCommandsTests : TorchTest, IDisposable
{
    private readonly string dir = Directory.CreateTempSubdirectory("latent-classifiers-").FullName;

    public void Dispose() => Directory.Delete(dir, true);

    private static JsonObject Json(string path) => (JsonObject)JsonNode.Parse(File.ReadAllText(path))!;

    [Fact]
    public void NoisyTrainWithDefaultOptionsWritesFiguresMetricsAndAModelPerNoiseModel()
    {
        var data = TinyIdx.Write(Path.Combine(dir, "data"), classes: 4);
        var outDir = Path.Combine(dir, "noisy");
        var (code, error) = CliRunner.Run("noisy", "train", "--data", data, "--out", outDir);
        Assert.True(code == 0, error);
        foreach (var file in new[] { "noisy.csv", "accuracy.png", "transitions.png", "metrics.json" })
            Assert.True(File.Exists(Path.Combine(outDir, file)), file);
        foreach (var model in new[] { "none", "softmax", "project", "forward" })
            Assert.Equal("noisy-classifier", Json(Path.Combine(outDir, model, "config.json"))["kind"]!.GetValue<string>());
        var metrics = Json(Path.Combine(outDir, "metrics.json"));
        Assert.InRange(metrics["test_accuracy"]!.GetValue<double>(), 0, 1);
        Assert.True(metrics["transition_max_abs_error"]!.GetValue<double>() >= 0);
        foreach (var model in new[] { "none", "softmax", "project", "forward" })
        {
            Assert.InRange(metrics[$"{model}_test_accuracy"]!.GetValue<double>(), 0, 1);
            Assert.True(metrics[$"{model}_transition_max_abs_error"]!.GetValue<double>() >= 0, model);
        }
        // The recommended model's flat entries are its own, and its noisy-label validation loss is the lowest in noisy.csv.
        var recommended = metrics[NoisyComparison.RecommendedKey]!.GetValue<string>();
        Assert.Equal(metrics[$"{recommended}_test_accuracy"]!.GetValue<double>(), metrics["test_accuracy"]!.GetValue<double>());
        Assert.Equal(metrics[$"{recommended}_transition_max_abs_error"]!.GetValue<double>(), metrics["transition_max_abs_error"]!.GetValue<double>());
        var selectedLoss = File.ReadLines(Path.Combine(outDir, "noisy.csv")).Skip(1).Select(line => line.Split(','))
            .Where(cells => cells[5] == "1").ToDictionary(cells => cells[0], cells => double.Parse(cells[4], CultureInfo.InvariantCulture));
        Assert.Equal(selectedLoss.Values.Min(), selectedLoss[recommended]);
    }

    [Fact]
    public void NoisyTrainOnThreeClassesTakesAThreeByThreeNoiseCsv()
    {
        var data = TinyIdx.Write(Path.Combine(dir, "data"), classes: 3, trainCount: 90);
        var noise = Path.Combine(dir, "noise.csv");
        File.WriteAllText(noise, "0.8,0.1,0\n0.2,0.8,0.1\n0,0.1,0.9\n");
        var outDir = Path.Combine(dir, "noisy3");
        // Three epochs instead of the default ten: this test is about the 3×3 noise, not the training budget.
        var (code, error) = CliRunner.Run("noisy", "train", "--data", data, "--noise", noise, "--q", "none", "softmax", "--epochs", "3", "--out", outDir);
        Assert.True(code == 0, error);
        var config = Json(Path.Combine(outDir, "softmax", "config.json"));
        Assert.Equal(3, config["data"]!["class_names"]!.AsArray().Count);
        Assert.Equal(0.2, config["training"]!["true_transition"]![3]!.GetValue<double>(), 12);
        Assert.Contains("transition_max_abs_error", File.ReadAllText(Path.Combine(outDir, "metrics.json")));

        File.WriteAllText(noise, "0.8,0.2\n0.2,0.8\n");
        (code, error) = CliRunner.Run("noisy", "train", "--data", data, "--noise", noise, "--out", Path.Combine(dir, "bad"));
        Assert.Equal(1, code);
        Assert.Contains("expected a 3×3 matrix", error);
        Assert.Single(error.Trim().Split('\n'));
    }

    [Fact]
    public void MlpWithDefaultOptionsTrainsOnTwelveClassesAndWritesMetricsAndModel()
    {
        var data = TinyIdx.Write(Path.Combine(dir, "data"), classes: 12, trainCount: 120);
        var outDir = Path.Combine(dir, "mlp");
        var (code, error) = CliRunner.Run("mlp", "--data", data, "--out", outDir);
        Assert.True(code == 0, error);
        var metrics = Json(Path.Combine(outDir, "metrics.json"));
        foreach (var key in new[] { "test_accuracy", "test_nlpd", "test_ece" }) Assert.True(metrics.ContainsKey(key), key);
        Assert.True(metrics["test_accuracy"]!.GetValue<double>() > 1.0 / 12, "better than chance on separable classes");
        var config = Json(Path.Combine(outDir, "model", "config.json"));
        Assert.Equal("mlp-classifier", config["kind"]!.GetValue<string>());
        Assert.Equal(12, config["data"]!["class_names"]!.AsArray().Count);
        foreach (var file in new[] { "curve.csv", "curve.png", "checkpoint.bin", "model/model.safetensors" }) Assert.True(File.Exists(Path.Combine(outDir, file)), file);
    }

    [Fact]
    public void CurvesWithDefaultOptionsRunsOnAnIdxFolder()
    {
        var data = TinyIdx.Write(Path.Combine(dir, "data"), classes: 5, trainCount: 40);
        var outDir = Path.Combine(dir, "curves");
        var (code, error) = CliRunner.Run("curves", "--data", data, "--out", outDir);
        Assert.True(code == 0, error);
        var csv = File.ReadAllLines(Path.Combine(outDir, "curves.csv"));
        Assert.Contains(csv, l => l.StartsWith("mean (a) full batch b=40", StringComparison.Ordinal));
        Assert.Contains(csv, l => l.StartsWith("sum (c) SGD b=1 same lr", StringComparison.Ordinal));
        Assert.True(File.Exists(Path.Combine(outDir, "curves.png")));
    }
}
