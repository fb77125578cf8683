namespace Latent.Tests.Cli;

public class CliTests : TorchTest, IDisposable
{
    private readonly string dir = Directory.CreateTempSubdirectory("latent-cli-").FullName;

    public void Dispose() => Directory.Delete(dir, true);

    private static (int Code, string Error) Run(params string[] args) => CliRunner.Run(args);

    [Theory]
    [InlineData("curves", "--steps", "abc")]
    [InlineData("curves", "--steps", "-5")]
    [InlineData("curves", "--batch-size", "0")]
    [InlineData("curves", "--lr", "-0.1")]
    [InlineData("curves", "--lr", "NaN")]
    [InlineData("mlp", "--epochs", "x")]
    [InlineData("mlp", "--epochs", "-1")]
    [InlineData("mlp", "--hidden", "12,a")]
    [InlineData("curves", "--dataset", "cifar")]
    [InlineData("tour", "--chapters", "nope")]
    [InlineData("curves", "--no-such-option")]
    public void BadOptionValuesAreOneLineErrorsWithExitCode2(params string[] args)
    {
        var (code, error) = Run(args);
        Assert.Equal(2, code);
        Assert.StartsWith("error: ", error);
        Assert.DoesNotContain("   at ", error);
    }

    [Fact]
    public void OutputDirectoryThatIsAFileAndMissingDataDirectoryAreRejected()
    {
        var file = Path.Combine(dir, "f");
        File.WriteAllText(file, "");
        var (code, error) = Run("curves", "--out", file);
        Assert.Equal(2, code);
        Assert.Contains("is a file", error);
        (code, error) = Run("mlp", "--data", Path.Combine(dir, "missing"));
        Assert.Equal(2, code);
        Assert.Contains("not found", error);
    }

    [Fact]
    public void CorruptDataFailsWithExitCode1AndNoOutputFiles()
    {
        var data = Directory.CreateDirectory(Path.Combine(dir, "data")).FullName;
        File.WriteAllBytes(Path.Combine(data, "train-images-idx3-ubyte"), new byte[] { 1, 2, 3, 4, 5, 6, 7, 8 });
        File.WriteAllBytes(Path.Combine(data, "train-labels-idx1-ubyte"), new byte[] { 0, 0, 8, 1, 0, 0, 0, 0 });
        var outDir = Path.Combine(dir, "out");
        var (code, error) = Run("mlp", "--data", data, "--out", outDir);
        Assert.Equal(1, code);
        Assert.Contains("train-images-idx3-ubyte: not an IDX file (bad magic number", error);
        Assert.Empty(Directory.GetFiles(outDir));
    }

    [Fact]
    public void CurvesCommandWritesPlotCsvAndReport()
    {
        var outDir = Path.Combine(dir, "curves");
        var (code, error) = Run("curves", "--steps", "20", "--out", outDir);
        Assert.True(code == 0, error);
        foreach (var file in new[] { "curves.png", "curves.csv", "report.md", "report.html" })
            Assert.True(File.Exists(Path.Combine(outDir, file)), file);
        var csv = File.ReadAllLines(Path.Combine(outDir, "curves.csv"));
        Assert.Equal("run,series,step,epoch,value", csv[0]);
        Assert.Contains(csv, l => l.StartsWith("mean (c) SGD b=1 same lr", StringComparison.Ordinal));
        Assert.Contains("(e) SGD b=1 lr x sqrt(b/N)", File.ReadAllText(Path.Combine(outDir, "report.md")));
    }

    [Fact]
    public void MlpCommandResumesAndRefusesACheckpointOfAnotherModel()
    {
        var outDir = Path.Combine(dir, "mlp");
        Assert.Equal(0, Run("mlp", "--epochs", "1", "--examples", "300", "--hidden", "16", "--out", outDir).Code);
        Assert.Equal(0, Run("mlp", "--epochs", "2", "--examples", "300", "--hidden", "16", "--out", outDir, "--resume").Code);
        var curve = File.ReadAllLines(Path.Combine(outDir, "curve.csv"));
        Assert.Equal(2, curve.Count(l => l.StartsWith("epoch,", StringComparison.Ordinal)));
        var (code, error) = Run("mlp", "--epochs", "3", "--examples", "300", "--hidden", "8", "--out", outDir, "--resume");
        Assert.Equal(1, code);
        Assert.Contains("checkpoint is of a different model", error);
    }
}
