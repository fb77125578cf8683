using System.Text.Json.Nodes;
using Latent.Tests.Data;

namespace Latent.Tests.Cli;

/// <summary>
/// Every command that trains on user data, run end to end with its default options on a tiny data set in each input format
/// it accepts (IDX folder, .npz vectors, .npz colour images, CSV with class names, image folder): each writes its metrics.json.
/// </summary>
public sealed class EveryFormatTests : TorchTest, IDisposable
{
    private readonly string dir = Directory.CreateTempSubdirectory("latent-every-format-").FullName;

    public void Dispose() => Directory.Delete(dir, true);

    /// <summary>The formats, each by the writer that makes a tiny data set of it.</summary>
    public static TheoryData<string> Formats() => new() { "idx", "npz-vectors", "npz-images", "csv", "image-folder" };

    private string Write(string format)
    {
        var folder = Directory.CreateDirectory(Path.Combine(dir, format)).FullName;
        return format switch
        {
            "idx" => TinyDataFiles.IdxFolder(folder),
            "npz-vectors" => TinyDataFiles.NpzVectors(folder),
            "npz-images" => TinyDataFiles.NpzImages(folder, channels: 3),
            "csv" => TinyDataFiles.Csv(folder, namedClasses: true),
            _ => TinyDataFiles.ImageFolder(folder, colour: true),
        };
    }

    private JsonObject Run(string format, params string[] command)
    {
        var data = Write(format);
        var outDir = Path.Combine(dir, format, "out");
        var (code, error) = CliRunner.Run([.. command, "--data", data, "--out", outDir]);
        Assert.True(code == 0, $"{string.Join(" ", command)} on {format}: {error}");
        return (JsonObject)JsonNode.Parse(File.ReadAllText(Path.Combine(outDir, "metrics.json")))!;
    }

    [Theory]
    [MemberData(nameof(Formats))]
    public void VaeTrain(string format)
    {
        var metrics = Run(format, "vae", "train");
        Assert.True(metrics["test_iwae_loglik"]!.GetValue<double>() >= -metrics["test_neg_elbo"]!.GetValue<double>() - 1e-6);
    }

    /// <summary>The one budget cut: 50 steps instead of the default 2000, which are meant for real data (every other option is its default).</summary>
    [Theory]
    [MemberData(nameof(Formats))]
    public void SvgpTrain(string format) => Assert.InRange(Run(format, "svgp", "train", "--iterations", "50")["test_accuracy"]!.GetValue<double>(), 0, 1);

    [Theory]
    [MemberData(nameof(Formats))]
    public void NoisyTrain(string format) => Assert.True(Run(format, "noisy", "train")["transition_max_abs_error"]!.GetValue<double>() >= 0);

    [Theory]
    [MemberData(nameof(Formats))]
    public void Mlp(string format) => Assert.InRange(Run(format, "mlp")["test_nlpd"]!.GetValue<double>(), 0, 10);

    [Theory]
    [MemberData(nameof(Formats))]
    public void Curves(string format)
    {
        var data = Write(format);
        var outDir = Path.Combine(dir, format, "curves");
        var (code, error) = CliRunner.Run("curves", "--data", data, "--out", outDir);
        Assert.True(code == 0, $"curves on {format}: {error}");
        Assert.NotEmpty(Directory.GetFiles(outDir, "*.png"));
    }
}
