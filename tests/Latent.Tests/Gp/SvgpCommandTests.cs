using System.CommandLine;
using System.Text.Json.Nodes;
using Latent.Cli.Commands;
using Latent.Cli.Infrastructure;
using Latent.Tests.Data;

namespace Latent.Tests.Gp;

public class SvgpCommandTests : IDisposable
{
    private readonly string root = Directory.CreateTempSubdirectory("latent-svgp-").FullName;

    public SvgpCommandTests() => LatentRuntime.Initialize();

    public void Dispose() => Directory.Delete(root, recursive: true);

    private static int Run(params string[] args)
    {
        var command = new RootCommand { new SvgpCommand().Build(new ConsoleUi()) };
        var parsed = command.Parse(args);
        return parsed.Errors.Count > 0 ? ExitCodes.BadUsage : parsed.Invoke(new InvocationConfiguration { EnableDefaultExceptionHandler = false });
    }

    /// <summary>A tiny MNIST-format folder of 6×6 images in 3 classes (a bright band in rows 0–1, 2–3 or 4–5): 45 training and 15 test images.</summary>
    private string TinyImages()
    {
        var folder = Path.Combine(root, "images");
        Directory.CreateDirectory(folder);
        var random = new Random(4);
        foreach (var (prefix, count) in new[] { ("train", 45), ("t10k", 15) })
        {
            var labels = Enumerable.Range(0, count).Select(i => (byte)(i % 3)).ToArray();
            var pixels = labels.SelectMany(label => Enumerable.Range(0, 36).Select(p => (byte)(p / 12 == label ? 200 + random.Next(50) : random.Next(60)))).ToArray();
            File.WriteAllBytes(Path.Combine(folder, $"{prefix}-images-idx3-ubyte"), IdxReaderTests.Idx(pixels, count, 6, 6));
            File.WriteAllBytes(Path.Combine(folder, $"{prefix}-labels-idx1-ubyte"), IdxReaderTests.Idx(labels, count));
        }
        return folder;
    }

    private static double Metric(string folder, string name) => JsonNode.Parse(File.ReadAllText(Path.Combine(folder, "metrics.json")))![name]!.GetValue<double>();

    [Fact]
    public void TrainWithDefaultOptionsSavesTheModelAndEvalReloadsIt()
    {
        var data = TinyImages();
        var trained = Path.Combine(root, "train");
        // Every option at its default except the step budget: 2,000 steps are meant for real data sets, 100 suffice here.
        Assert.Equal(0, Run("svgp", "train", "--data", data, "--iterations", "100", "--out", trained));
        foreach (var file in new[] { "model/config.json", "model/model.safetensors", "svgp-elbo.png", "svgp-calibration.png", "metrics.json" })
            Assert.True(File.Exists(Path.Combine(trained, file)), $"{file} missing");
        Assert.True(Metric(trained, "test_accuracy") >= 0.9, $"accuracy {Metric(trained, "test_accuracy")}");

        var evaluated = Path.Combine(root, "eval");
        Assert.Equal(0, Run("svgp", "eval", "--model", Path.Combine(trained, "model"), "--data", data, "--out", evaluated));
        foreach (var metric in new[] { "test_accuracy", "test_nlpd", "test_ece" })
            Assert.Equal(Metric(trained, metric), Metric(evaluated, metric), 9);
    }

    [Fact]
    public void EvalAppliesTheStandardisationSavedWithTheModel()
    {
        var data = TinyImages();
        var trained = Path.Combine(root, "train");
        Assert.Equal(0, Run("svgp", "train", "--data", data, "--standardize", "--iterations", "5", "--out", trained));
        var evaluated = Path.Combine(root, "eval");
        Assert.Equal(0, Run("svgp", "eval", "--model", Path.Combine(trained, "model"), "--data", data, "--out", evaluated));
        Assert.Equal(Metric(trained, "test_nlpd"), Metric(evaluated, "test_nlpd"), 9);
    }

    [Fact]
    public void ContinuationWidensADiagonalQAndDeskewAndFloat32AreKept()
    {
        var data = TinyImages();
        var trained = Path.Combine(root, "train");
        Assert.Equal(0, Run("svgp", "train", "--data", data, "--q-diag", "--deskew", "--inducing", "every:5", "--dtype", "float32", "--iterations", "3", "--out", trained));
        var continued = Path.Combine(root, "continued");
        Assert.Equal(0, Run("svgp", "train", "--data", data, "--init-from", Path.Combine(trained, "model"), "--full-q", "--iterations", "4", "--natgrad", "0.01", "--out", continued));
        var config = JsonNode.Parse(File.ReadAllText(Path.Combine(continued, "model", "config.json")))!;
        Assert.Equal(7, config["training"]!["steps_taken"]!.GetValue<long>());
        Assert.False(config["training"]!["options"]!["q_diagonal"]!.GetValue<bool>());
        Assert.True(config["training"]!["options"]!["deskew"]!.GetValue<bool>());
        Assert.Equal("every:5", config["training"]!["options"]!["inducing"]!.GetValue<string>());
        Assert.Equal("float32", config["training"]!["options"]!["dtype"]!.GetValue<string>());
    }

    [Fact]
    public void BadArgumentsAreRejected()
    {
        Assert.Equal(ExitCodes.BadUsage, Run("svgp", "train", "--inducing", "every:x"));
        Assert.Equal(ExitCodes.BadUsage, Run("svgp", "train", "--likelihood", "probit"));
        Assert.Equal(ExitCodes.BadUsage, Run("svgp", "train", "--lr-final", "-1"));
        Assert.Equal(ExitCodes.BadUsage, Run("svgp", "train", "--natgrad", "1.5"));
        Assert.Equal(ExitCodes.BadUsage, Run("svgp", "train", "--dtype", "float16"));
        Assert.Equal(ExitCodes.BadUsage, Run("svgp", "eval"));
        Assert.Contains("no config.json", Assert.Throws<LatentException>(() => Run("svgp", "eval", "--model", root, "--out", Path.Combine(root, "out"))).Message);
        Assert.Throws<LatentException>(() => Run("svgp", "train", "--full-q", "--out", Path.Combine(root, "full")));
        Assert.Contains("matern99", Assert.Throws<LatentException>(() => Run("svgp", "train", "--data", TinyImages(), "--kernel", "matern99", "--out", Path.Combine(root, "t"))).Message);
    }
}
