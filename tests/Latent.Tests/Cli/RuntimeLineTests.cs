namespace Latent.Tests.Cli;

public class RuntimeLineTests
{
    [Fact]
    public void VerbosePrintsWhatTheRuntimeChoseAndWhy()
    {
        var (code, error) = CliRunner.Run("--verbose", "curves", "--help");
        Assert.Equal(0, code);
        var line = error.Split('\n').Single(l => l.StartsWith("runtime: "));
        Assert.Contains($"{ThreadPolicy.Current.Threads} libtorch thread", line);
        Assert.Contains(ThreadPolicy.Current.WaitReason, line);
        Assert.EndsWith(NativeHeap.Description, line.TrimEnd());
        Assert.DoesNotContain("runtime: ", CliRunner.Run("curves", "--help").Error);
    }
}
