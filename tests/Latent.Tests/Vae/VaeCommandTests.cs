using Latent.Tests.Cli;

namespace Latent.Tests.Vae;

public sealed class VaeCommandTests : TorchTest, IDisposable
{
    private readonly string directory = Directory.CreateTempSubdirectory("latent-vae-cli-").FullName;

    public void Dispose() => Directory.Delete(directory, true);

    private static (int Code, string Error) Run(params string[] args) => CliRunner.Run(args);

    [Fact]
    public void TrainWritesTheModelAndFiguresAndTheModelSamplesAndEvaluates()
    {
        var train = Path.Combine(directory, "train");
        var (code, error) = Run("vae", "train", "--latent", "2", "--hidden", "32", "--examples", "256", "--epochs", "1", "--batch-size", "64",
            "--iwae-k", "5", "--iwae-examples", "20", "--out", train);
        Assert.True(code == 0, error);
        foreach (var file in new[] { "model.vae", "checkpoint.bin", "curve.csv", "curves.png", "reconstructions.png", "samples.png", "manifold.png", "latent-means.png", "report.md", "report.html" })
            Assert.True(File.Exists(Path.Combine(train, file)), $"{file} missing");
        Assert.Contains("IWAE log p(x) (k=5, 20 images)", File.ReadAllText(Path.Combine(train, "report.md")));

        var sample = Path.Combine(directory, "sample");
        Assert.Equal(0, Run("vae", "sample", "--model", Path.Combine(train, "model.vae"), "--count", "9", "--out", sample).Code);
        Assert.True(File.Exists(Path.Combine(sample, "samples.png")));
        Assert.True(File.Exists(Path.Combine(sample, "manifold.png")));

        var eval = Path.Combine(directory, "eval");
        Assert.Equal(0, Run("vae", "eval", "--model", Path.Combine(train, "model.vae"), "--iwae-k", "3", "--examples", "10", "--out", eval).Code);
        Assert.Contains("IWAE k=3", File.ReadAllText(Path.Combine(eval, "report.md")));
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
    [InlineData("vae", "eval", "--model", "/no/such/model.vae")]
    [InlineData("vae", "sample")]
    public void BadOptionsAreOneLineErrorsWithExitCode2(params string[] args)
    {
        var (code, error) = Run(args);
        Assert.Equal(2, code);
        Assert.StartsWith("error: ", error);
    }

    [Fact]
    public void CorruptModelFileIsAOneLineErrorWithExitCode1()
    {
        var model = Path.Combine(directory, "corrupt.vae");
        File.WriteAllBytes(model, new byte[] { 0, 1, 2, 3, 4 });
        var (code, error) = Run("vae", "sample", "--model", model, "--out", Path.Combine(directory, "s"));
        Assert.Equal(1, code);
        Assert.StartsWith("error: ", error);
        Assert.Contains("corrupt.vae", error);
    }
}
