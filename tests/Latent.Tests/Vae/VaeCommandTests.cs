using System.Text.Json.Nodes;
using Latent.Tests.Cli;

namespace Latent.Tests.Vae;

public sealed class VaeCommandTests : TorchTest, IDisposable
{
    private readonly string directory = Directory.CreateTempSubdirectory("latent-vae-cli-").FullName;

    public void Dispose() => Directory.Delete(directory, true);

    private static (int Code, string Error) Run(params string[] args) => CliRunner.Run(args);

    private static void AssertFiles(string folder, params string[] files)
    {
        foreach (var file in files) Assert.True(File.Exists(Path.Combine(folder, file)), $"{file} missing in {folder}");
    }

    private static JsonObject Metrics(string folder) => JsonNode.Parse(File.ReadAllText(Path.Combine(folder, "metrics.json")))!.AsObject();

    [Fact]
    public void TrainWithAllDefaultOptionsOnAnImageFolderThenEvalAndSampleTheSavedModel()
    {
        // Every option at its default (784-400-20 shape rules, 10 epochs, IWAE k = 1000 on all test images); only the data is tiny (6×6 images).
        var data = TinyData.WriteIdxFolder(Path.Combine(directory, "idx"));
        var train = Path.Combine(directory, "train");
        var (code, error) = Run("vae", "train", "--data", data, "--out", train);
        Assert.True(code == 0, error);
        AssertFiles(train, "model/config.json", "model/model.safetensors", "checkpoint.bin", "metrics.json", "curve.csv", "curves.png",
            "reconstructions.png", "samples.png", "latent-means.png", "report.md", "report.html");
        Assert.False(File.Exists(Path.Combine(train, "reconstruction-error.png")));
        var metrics = Metrics(train);
        double negativeElbo = metrics["test_neg_elbo"]!.GetValue<double>(), logLikelihood = metrics["test_iwae_loglik"]!.GetValue<double>();
        Assert.True(logLikelihood >= -negativeElbo, $"IWAE {logLikelihood} below ELBO {-negativeElbo}");
        Assert.Contains("IWAE log p(x) (k=1000, 12 examples)", File.ReadAllText(Path.Combine(train, "report.md")));
        var config = JsonNode.Parse(File.ReadAllText(Path.Combine(train, "model", "config.json")))!;
        Assert.Equal("vae", config["kind"]!.GetValue<string>());
        Assert.Equal("[1,6,6]", config["data"]!["example_shape"]!.ToJsonString());

        var eval = Path.Combine(directory, "eval");
        (code, error) = Run("vae", "eval", "--model", Path.Combine(train, "model"), "--data", data, "--out", eval);
        Assert.True(code == 0, error);
        AssertFiles(eval, "metrics.json", "report.md", "reconstructions.png");
        Assert.Equal(negativeElbo, Metrics(eval)["test_neg_elbo"]!.GetValue<double>(), 6);

        var sample = Path.Combine(directory, "sample");
        (code, error) = Run("vae", "sample", "--model", Path.Combine(train, "model"), "--out", sample);
        Assert.True(code == 0, error);
        AssertFiles(sample, "samples.png");
    }

    [Fact]
    public void ATwoDimensionalLatentAddsTheManifold()
    {
        var data = TinyData.WriteIdxFolder(Path.Combine(directory, "idx"));
        var train = Path.Combine(directory, "train");
        // Budget options shortened: the figures, not the fit, are under test.
        var (code, error) = Run("vae", "train", "--data", data, "--latent", "2", "--hidden", "16", "--epochs", "1", "--iwae-k", "0", "--binarization", "dynamic", "--out", train);
        Assert.True(code == 0, error);
        AssertFiles(train, "manifold.png", "latent-means.png", "samples.png");
        Assert.False(Metrics(train).ContainsKey("test_iwae_loglik"));
        var sample = Path.Combine(directory, "sample");
        Assert.Equal(0, Run("vae", "sample", "--model", Path.Combine(train, "model"), "--count", "9", "--out", sample).Code);
        AssertFiles(sample, "samples.png", "manifold.png");
    }

    [Fact]
    public void TheConvArchitectureTrainsWithDefaultOptionsAndIsSavedAsConv()
    {
        // Every other option at its default (10 epochs, IWAE k = 1000 on all test images); only the data is tiny (6×6 images).
        var data = TinyData.WriteIdxFolder(Path.Combine(directory, "idx"));
        var train = Path.Combine(directory, "train");
        var (code, error) = Run("vae", "train", "--data", data, "--architecture", "conv", "--out", train);
        Assert.True(code == 0, error);
        AssertFiles(train, "model/config.json", "metrics.json", "reconstructions.png", "samples.png", "report.md");
        var config = JsonNode.Parse(File.ReadAllText(Path.Combine(train, "model", "config.json")))!;
        Assert.Equal("conv", config["architecture"]!["network"]!.GetValue<string>());
        Assert.Equal("conv", config["training"]!["options"]!["architecture"]!.GetValue<string>());
        Assert.Contains("1x6x6-c32-c64-400-20", File.ReadAllText(Path.Combine(train, "report.md")));
        var eval = Path.Combine(directory, "eval");
        (code, error) = Run("vae", "eval", "--model", Path.Combine(train, "model"), "--data", data, "--iwae-k", "0", "--out", eval);
        Assert.True(code == 0, error);
        Assert.Equal(Metrics(train)["test_neg_elbo"]!.GetValue<double>(), Metrics(eval)["test_neg_elbo"]!.GetValue<double>(), 6);
    }

    [Fact]
    public void AConditionalModelTrainsAndSamplesAClassAsNpyAndPng()
    {
        var data = TinyData.WriteIdxFolder(Path.Combine(directory, "idx"));
        var train = Path.Combine(directory, "train");
        var (code, error) = Run("vae", "train", "--data", data, "--conditional", "--out", train);
        Assert.True(code == 0, error);
        Assert.Contains("with one row per class (0, 1, 2, top to bottom)", File.ReadAllText(Path.Combine(train, "report.md")));
        var config = JsonNode.Parse(File.ReadAllText(Path.Combine(train, "model", "config.json")))!;
        Assert.True(config["architecture"]!["conditional"]!.GetValue<bool>());
        Assert.Equal("[\"0\",\"1\",\"2\"]", config["data"]!["class_names"]!.ToJsonString());

        var model = Path.Combine(train, "model");
        var npy = Path.Combine(directory, "out", "class2.npy");
        (code, error) = Run("vae", "sample", "--model", model, "--class", "2", "--count", "5", "--out", npy);
        Assert.True(code == 0, error);
        var array = Latent.Data.NpyReader.Read(npy);
        Assert.Equal(new long[] { 5, 1, 6, 6 }, array.Shape);
        var pixels = array.ToFeatures();
        Assert.True(pixels.min().item<float>() >= 0 && pixels.max().item<float>() <= 1);
        (code, error) = Run("vae", "sample", "--model", model, "--out", Path.Combine(directory, "grid.png"));
        Assert.True(code == 0, error);
        AssertFiles(directory, "grid.png");

        (code, error) = Run("vae", "sample", "--model", model, "--class", "7", "--out", Path.Combine(directory, "bad.npy"));
        Assert.Equal(1, code);
        Assert.StartsWith("error: ", error);
        Assert.Contains("class 7 is not one of this model's classes 0 to 2", error);
        Assert.Single(error.TrimEnd().Split('\n'));
    }

    [Fact]
    public void SampleWithDefaultOptionsWritesIntoAFolderUnderRuns()
    {
        var data = TinyData.WriteIdxFolder(Path.Combine(directory, "idx"));
        var train = Path.Combine(directory, "train");
        Assert.Equal(0, Run("vae", "train", "--data", data, "--epochs", "1", "--iwae-k", "0", "--out", train).Code);
        var working = Directory.GetCurrentDirectory();
        Directory.SetCurrentDirectory(directory);
        try
        {
            var (code, error) = Run("vae", "sample", "--model", Path.Combine(train, "model"));
            Assert.True(code == 0, error);
        }
        finally
        {
            Directory.SetCurrentDirectory(working);
        }
        var folder = Assert.Single(Directory.GetDirectories(Path.Combine(directory, "runs"), "vae-sample-*"));
        AssertFiles(folder, "samples.png");
    }

    [Theory]
    [InlineData("vae", "train", "--objective", "iwae:0")]
    [InlineData("vae", "train", "--objective", "vae")]
    [InlineData("vae", "train", "--decoder", "poisson")]
    [InlineData("vae", "train", "--hidden", "400,x")]
    [InlineData("vae", "train", "--binarization", "sometimes")]
    [InlineData("vae", "train", "--latent", "0")]
    [InlineData("vae", "train", "--ema", "1")]
    [InlineData("vae", "train", "--objective", "elbo:0")]
    [InlineData("vae", "train", "--bias-init", "zeros")]
    [InlineData("vae", "train", "--examples", "0")]
    [InlineData("vae", "train", "--data", "/no/such/data")]
    [InlineData("vae", "eval", "--model", "/no/such/model")]
    [InlineData("vae", "eval", "--model", "/tmp", "--iwae-examples", "0")]
    [InlineData("vae", "sample")]
    [InlineData("vae", "sample", "--model", "/tmp", "--class", "-1")]
    [InlineData("vae", "train", "--architecture", "resnet")]
    [InlineData("vae", "train", "--channels", "32,0")]
    public void BadOptionsAreOneLineErrorsWithExitCode2(params string[] args)
    {
        var (code, error) = Run(args);
        Assert.Equal(2, code);
        Assert.StartsWith("error: ", error);
    }

    [Fact]
    public void AFolderThatIsNotAVaeModelIsAOneLineErrorWithExitCode1()
    {
        var model = Path.Combine(directory, "not-a-model");
        Directory.CreateDirectory(model);
        var (code, error) = Run("vae", "sample", "--model", model, "--out", Path.Combine(directory, "s"));
        Assert.Equal(1, code);
        Assert.StartsWith("error: ", error);
        Assert.Contains("not-a-model: not a saved model", error);
        Assert.Single(error.TrimEnd().Split('\n'));
    }
}
