using Latent.Tests.Vae;
using Latent.Vae;
using static TorchSharp.torch;

namespace Latent.Tests.Cli;

/// <summary>--device on every command that runs a model: spelled wrong it is a parse error, CUDA without CUDA is one line naming the package.</summary>
public sealed class DeviceOptionTests : TorchTest, IDisposable
{
    private readonly string dir = Directory.CreateTempSubdirectory("latent-device-option-").FullName;

    public void Dispose() => Directory.Delete(dir, true);

    /// <summary>Every command that fits, evaluates or samples a model, with what it needs besides --device to parse.</summary>
    private string[][] ModelCommands() =>
    [
        ["svgp", "train"], ["svgp", "eval", "--model", dir], ["vae", "train"], ["vae", "eval", "--model", dir], ["vae", "sample", "--model", dir],
        ["noisy", "train"], ["mlp"], ["curves"], ["lm", "train"], ["lm", "eval", "--model", dir], ["lm", "generate", "--model", dir],
    ];

    [Theory]
    [InlineData("gpu")]
    [InlineData("cuda:x")]
    [InlineData("cuda:-1")]
    public void EveryModelCommandRefusesABadDeviceAtParseTime(string device)
    {
        foreach (var command in ModelCommands())
        {
            var (code, error) = CliRunner.Run([.. command, "--device", device]);
            Assert.True(code == 2, $"{string.Join(' ', command)}: exit {code}, {error}");
            Assert.Equal($"error: --device must be {ComputeDevice.Spellings}, got '{device}'", error.Trim());
        }
    }

    [Fact]
    public void CudaWithoutCudaIsOneLineNamingThePackageAndCpuRuns()
    {
        var folder = Path.Combine(dir, "vae");
        using (var model = new VaeModel(new VaeOptions { Decoder = DecoderKind.GaussianLearned, Latent = 2, Hidden = [4] }, 5)) model.Save(folder);
        var (code, error) = CliRunner.Run("vae", "sample", "--model", folder, "--device", "cpu", "--out", Path.Combine(dir, "cpu"));
        Assert.True(code == 0, error);
        Assert.True(File.Exists(Path.Combine(dir, "cpu", "samples.csv")));
        if (cuda.is_available()) return; // on a machine with a GPU, "cuda" is a device like "cpu", not an error

        (code, error) = CliRunner.Run("vae", "sample", "--model", folder, "--device", "cuda", "--out", Path.Combine(dir, "cuda"));
        Assert.Equal(1, code);
        Assert.Single(error.Trim().Split('\n'));
        Assert.StartsWith("error: device 'cuda': libtorch reports no CUDA device", error);
        Assert.Contains("reference libtorch-cuda-12.8-linux-x64 2.10.0 instead of libtorch-cpu-linux-x64", error);

        (code, error) = CliRunner.Run("mlp", "--data", TinyIdx.Write(Path.Combine(dir, "data"), classes: 3), "--device", "cuda:0", "--out", Path.Combine(dir, "mlp"));
        Assert.Equal(1, code);
        Assert.Single(error.Trim().Split('\n'));
        Assert.Contains("libtorch-cuda-12.8-linux-x64", error);
    }
}
