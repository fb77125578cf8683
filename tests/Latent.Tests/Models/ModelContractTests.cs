using System.Security.Cryptography;
using System.Text.Json.Nodes;
using Latent.IO;
using Latent.Models;
using Latent.Tests.Cli;
using Latent.Tests.Training;
using Latent.Training;

namespace Latent.Tests.Models;

/// <summary>
/// The one model contract: a tiny run of every family's train command writes a model folder whose config.json has exactly the
/// common top-level keys and records what it was trained on (path, SHA-256 of each file, example or token count); every folder
/// loads back through <see cref="ModelKinds"/>, describes and evaluates itself; every run also writes a TensorBoard events file
/// holding a training-loss scalar.
/// </summary>
public sealed class ModelContractTests : TorchTest, IDisposable
{
    private readonly string directory = Directory.CreateTempSubdirectory("latent-contract-").FullName;

    public void Dispose() => Directory.Delete(directory, recursive: true);

    private string Corpus()
    {
        var random = new Random(5);
        string Pick(params string[] words) => words[random.Next(words.Length)];
        var path = Path.Combine(directory, "corpus.txt");
        File.WriteAllLines(path, Enumerable.Range(0, 400).Select(_ => $"the {Pick("cat", "dog")} {Pick("sat", "ran")} on a {Pick("mat", "rug")} ."));
        return path;
    }

    /// <summary>A CSV of 75 points with two features and a real-valued target y (60 for training after the default 20% hold-out).</summary>
    private string RegressionCsv()
    {
        var random = new Random(6);
        var path = Path.Combine(directory, "regression.csv");
        File.WriteAllLines(path, Enumerable.Range(0, 75).Select(_ => (random.NextDouble(), random.NextDouble()))
            .Select(p => FormattableString.Invariant($"{p.Item1},{p.Item2},{Math.Sin(3 * p.Item1) + p.Item2}")).Prepend("a,b,y"));
        return path;
    }

    public static TheoryData<string, string[]> Families() => new()
    {
        { "gp", ["gp", "train", "--iterations", "20"] },
        { "vae", ["vae", "train", "--epochs", "1", "--iwae-k", "0"] },
        { "svgp", ["svgp", "train", "--iterations", "20"] },
        { "noisy-classifier", ["noisy", "train", "--epochs", "1", "--q", "softmax"] },
        { "mlp-classifier", ["mlp", "--epochs", "1"] },
        { "lstm-lm", ["lm", "train", "--epochs", "1", "--size", "16"] },
        { "word2vec", ["word2vec", "train", "--epochs", "1", "--dim", "8"] },
    };

    [Theory]
    [MemberData(nameof(Families))]
    public void EveryFamilyWritesTheOneLayoutWithTrainedOnATensorBoardLossAndLoadsBackThroughTheContract(string kind, string[] command)
    {
        bool text = kind is "lstm-lm" or "word2vec";
        bool file = text || kind == "gp";
        var data = text ? Corpus() : kind == "gp" ? RegressionCsv() : TinyIdx.Write(Path.Combine(directory, "idx"), classes: 3);
        var outDir = Path.Combine(directory, "out");
        var (code, error) = CliRunner.Run([.. command, text ? "--corpus" : "--data", data, "--out", outDir]);
        Assert.True(code == 0, error);

        var folder = Path.GetDirectoryName(Directory.EnumerateFiles(outDir, ModelFolder.ConfigFile, SearchOption.AllDirectories).First())!;
        var config = JsonNode.Parse(File.ReadAllText(Path.Combine(folder, ModelFolder.ConfigFile)))!.AsObject();
        Assert.Equal(["kind", "format_version", "architecture", "data", "training"], config.Select(entry => entry.Key).ToArray());
        Assert.Equal(kind, config["kind"]!.GetValue<string>());
        var training = config["training"]!.AsObject();
        Assert.NotNull(training["options"]);
        Assert.Equal(0, training["seed"]!.GetValue<long>());
        Assert.False(string.IsNullOrEmpty(training["latent_version"]!.GetValue<string>()));
        Assert.True(DateTimeOffset.UtcNow - DateTimeOffset.Parse(training["finished_at"]!.GetValue<string>(), System.Globalization.CultureInfo.InvariantCulture) < TimeSpan.FromHours(1));

        var trainedOn = training["trained_on"]!.AsObject();
        Assert.Equal(data, trainedOn["path"]!.GetValue<string>());
        var hashes = trainedOn["sha256"]!.AsObject();
        var files = file ? [data] : Directory.GetFiles(data);
        Assert.Equal(files.Length, hashes.Count);
        foreach (var path in files)
        {
            var key = file ? Path.GetFileName(path) : $"{Path.GetFileName(data)}/{Path.GetFileName(path)}";
            Assert.Equal(Convert.ToHexStringLower(SHA256.HashData(File.ReadAllBytes(path))), hashes[key]!.GetValue<string>());
        }
        if (text) Assert.True(trainedOn["token_count"]!.GetValue<long>() > 100);
        else Assert.Equal(60, trainedOn["example_count"]!.GetValue<long>());

        var losses = TensorBoardEvents.ReadDirectory(Path.Combine(outDir, RunLog.FolderName)).Where(s => s.Tag is "train/loss" or "train/epoch_loss").ToList();
        Assert.NotEmpty(losses);
        Assert.All(losses, s => Assert.True(float.IsFinite(s.Value) && s.Step >= 1, $"{s.Tag} {s.Value} at step {s.Step}"));

        using var model = ModelKinds.Load(folder);
        Assert.Equal(kind, model.ModelKind);
        Assert.False(string.IsNullOrWhiteSpace(model.Describe()));
        Assert.Equal(trainedOn["sha256"]!.ToJsonString(), JsonNode.Parse(System.Text.Json.JsonSerializer.Serialize(model.Training.TrainedOn!.Sha256))!.ToJsonString());
        if (!text) Assert.Equal(config["data"]!["example_shape"]!.ToJsonString(), System.Text.Json.JsonSerializer.Serialize(model.Data.ExampleShape));
    }

    [Fact]
    public void AFolderOfANewerFormatOrAnUnknownKindIsRefusedInOneLine()
    {
        var folder = Path.Combine(directory, "newer");
        Directory.CreateDirectory(folder);
        File.WriteAllText(Path.Combine(folder, ModelFolder.ConfigFile), """{"kind": "mlp-classifier", "format_version": 9, "architecture": {}, "data": {}, "training": {"options": {}}}""");
        var message = Assert.Throws<LatentException>(() => ModelKinds.Load(folder)).Message;
        Assert.Contains("format version 9 comes from a newer Latent", message);
        Assert.DoesNotContain('\n', message);
        File.WriteAllText(Path.Combine(folder, ModelFolder.ConfigFile), """{"kind": "hmm", "format_version": 1}""");
        Assert.Contains("'hmm' model, which this version of Latent does not know", Assert.Throws<LatentException>(() => ModelKinds.Load(folder)).Message);
    }
}
