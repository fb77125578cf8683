using Latent.IO;

namespace Latent.Tests.Cli;

/// <summary>
/// An --out that cannot be written fails at once with a one-line error and exit 1, and leaves no files behind. Tests run as
/// root, which chmod cannot stop, so the unwritable folders are a path under a file and folders under /proc.
/// </summary>
public sealed class UnwritableOutTests : TorchTest, IDisposable
{
    private readonly string dir = Directory.CreateTempSubdirectory("latent-unwritable-out-").FullName;

    public void Dispose() => Directory.Delete(dir, true);

    public static TheoryData<string[]> Commands => new() { new[] { "mlp" }, new[] { "noisy", "train" } };

    [Theory]
    [MemberData(nameof(Commands))]
    public void AnUnwritableOutIsAOneLineErrorWithExitOneAndNoFiles(string[] command)
    {
        var data = TinyIdx.Write(Path.Combine(dir, "data"), classes: 3, trainCount: 30, testCount: 12);
        var blocker = Path.Combine(dir, "a-file");
        File.WriteAllText(blocker, "not a folder");
        var before = Directory.GetFileSystemEntries(dir, "*", SearchOption.AllDirectories).Order().ToArray();
        foreach (var outDir in new[] { Path.Combine(blocker, "sub"), "/proc/latent-out", "/proc" })
        {
            var (code, error) = CliRunner.Run([.. command, "--data", data, "--out", outDir]);
            Assert.Equal(1, code);
            Assert.Single(error.TrimEnd().Split('\n'));
            Assert.StartsWith($"error: --out: cannot write to '{outDir}'", error);
        }
        Assert.Equal(before, Directory.GetFileSystemEntries(dir, "*", SearchOption.AllDirectories).Order().ToArray());
        Assert.Equal("not a folder", File.ReadAllText(blocker));
        Assert.False(Directory.Exists("/proc/latent-out"));
    }

    [Fact]
    public void AFileThatCannotBeWrittenIsAOneLineErrorAndLeavesNoTemporaryFile()
    {
        var message = Assert.Throws<LatentException>(() => AtomicFile.WriteText("/proc/latent-metrics.json", "{}")).Message;
        Assert.StartsWith("/proc/latent-metrics.json: cannot write (", message);
        Assert.DoesNotContain('\n', message);
        Assert.Empty(Directory.GetFiles("/proc", ".latent-metrics.json.*"));
    }
}
