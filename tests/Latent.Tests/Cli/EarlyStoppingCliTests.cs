using System.Globalization;
using System.Text.Json.Nodes;
using Latent.Tests.Training;
using Latent.Training;

namespace Latent.Tests.Cli;

/// <summary>`--patience` and `--no-tensorboard` end to end: the stop epoch in metrics.json, the curve and the run log agree.</summary>
public sealed class EarlyStoppingCliTests : TorchTest, IDisposable
{
    private readonly string dir = Directory.CreateTempSubdirectory("latent-early-cli-").FullName;

    /// <summary>Removes the runs.</summary>
    public void Dispose() => Directory.Delete(dir, true);

    [Fact]
    public void MlpWithPatienceStopsEarlyAndRecordsTheEpochInMetricsCurveAndRunLog()
    {
        var data = TinyIdx.Write(Path.Combine(dir, "data"), classes: 3);
        var outDir = Path.Combine(dir, "mlp");
        // A learning rate of 1 makes the validation loss bounce, so one epoch of patience runs out long before 40 epochs.
        var (code, error) = CliRunner.Run("mlp", "--data", data, "--epochs", "40", "--patience", "1", "--lr", "1", "--out", outDir);
        Assert.True(code == 0, error);

        var stopped = JsonNode.Parse(File.ReadAllText(Path.Combine(outDir, "metrics.json")))![EarlyStop.MetricName]!.GetValue<double>();
        Assert.InRange(stopped, 2, 39);
        var epochRows = File.ReadLines(Path.Combine(outDir, "curve.csv")).Count(line => line.StartsWith("epoch,", StringComparison.Ordinal));
        Assert.Equal(stopped, epochRows);
        var validation = TensorBoardEvents.ReadDirectory(Path.Combine(outDir, RunLog.FolderName)).Where(s => s.Tag == "validation/loss").ToList();
        Assert.Equal(stopped, validation.Count);
        // The last epoch did not improve on the one before it: that is what stopped the run.
        Assert.True(validation[^1].Value >= validation.Take(validation.Count - 1).Min(s => s.Value),
            string.Join(", ", validation.Select(s => s.Value.ToString(CultureInfo.InvariantCulture))));
    }

    public static TheoryData<string, string[]> EpochTrainedCommands() => new()
    {
        { "vae", ["vae", "train", "--epochs", "3", "--validation", "0.2", "--iwae-k", "0"] },
        { "noisy", ["noisy", "train", "--epochs", "3", "--q", "softmax"] },
        { "lm", ["lm", "train", "--epochs", "3", "--size", "16"] },
    };

    [Theory]
    [MemberData(nameof(EpochTrainedCommands))]
    public void EveryEpochTrainedCommandWatchesItsValidationFigureWithPatience(string name, string[] command)
    {
        var input = name == "lm" ? Corpus() : TinyIdx.Write(Path.Combine(dir, "data"), classes: 3);
        var outDir = Path.Combine(dir, name);
        var (code, error) = CliRunner.Run([.. command, name == "lm" ? "--corpus" : "--data", input, "--patience", "1", "--out", outDir]);
        Assert.True(code == 0, error);
        // One validation figure per epoch run, in the run log; a stop, when there was one, is the epoch count.
        var validation = TensorBoardEvents.ReadDirectory(Path.Combine(outDir, RunLog.FolderName)).Where(s => s.Tag.StartsWith("validation/", StringComparison.Ordinal)).ToList();
        Assert.InRange(validation.Count, 2, 3);
        var metrics = JsonNode.Parse(File.ReadAllText(Path.Combine(outDir, "metrics.json")))!.AsObject();
        if (validation.Count == 2) Assert.Equal(2, metrics[EarlyStop.MetricName]!.GetValue<double>());
        else Assert.False(metrics.ContainsKey(EarlyStop.MetricName));
    }

    [Fact]
    public void NoTensorBoardLeavesNoLogAndAPatienceBelowOneIsRefused()
    {
        var data = TinyIdx.Write(Path.Combine(dir, "data"), classes: 3);
        var outDir = Path.Combine(dir, "mlp");
        var (code, error) = CliRunner.Run("mlp", "--data", data, "--epochs", "1", "--no-tensorboard", "--out", outDir);
        Assert.True(code == 0, error);
        Assert.True(File.Exists(Path.Combine(outDir, "metrics.json")));
        Assert.False(Directory.Exists(Path.Combine(outDir, RunLog.FolderName)));

        (code, error) = CliRunner.Run("lm", "train", "--patience", "0", "--out", Path.Combine(dir, "lm"));
        Assert.Equal(2, code);
        Assert.Contains("--patience must be at least 1, got 0", error);
    }

    private string Corpus()
    {
        var random = new Random(5);
        string Pick(params string[] words) => words[random.Next(words.Length)];
        var path = Path.Combine(dir, "corpus.txt");
        File.WriteAllLines(path, Enumerable.Range(0, 400).Select(_ => $"the {Pick("cat", "dog")} {Pick("sat", "ran")} on a {Pick("mat", "rug")} ."));
        return path;
    }
}
