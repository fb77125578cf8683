using System.Diagnostics;
using System.Text;

namespace Latent.Tests.Native;

public class UnpatchedLibraryTests : IDisposable
{
    private readonly string dir = Directory.CreateTempSubdirectory("latent-unpatched-").FullName;

    public void Dispose() => Directory.Delete(dir, true);

    [Fact]
    public async Task WithoutTheBuildStepLatentExplainsTheLoaderErrorInOneLine()
    {
        var cliOutput = Path.GetFullPath(Path.Combine(AppContext.BaseDirectory, "..", "..", "..", "..", "..", "..", "src", "Latent.Cli", "bin",
            new DirectoryInfo(AppContext.BaseDirectory).Parent!.Parent!.Name, "net10.0", "linux-x64"));
        Assert.True(File.Exists(Path.Combine(cliOutput, "Latent.Cli.dll")), $"no CLI build at {cliOutput}");
        // Managed files are copied (the host resolves symlinks, which would move the program folder back);
        // the large native libraries are linked.
        foreach (var file in Directory.GetFiles(cliOutput))
        {
            var target = Path.Combine(dir, Path.GetFileName(file));
            if (file.Contains(".so", StringComparison.Ordinal)) File.CreateSymbolicLink(target, file);
            else File.Copy(file, target);
        }
        var shipped = Path.Combine(Environment.GetEnvironmentVariable("NUGET_PACKAGES") ?? Path.Combine(Environment.GetFolderPath(Environment.SpecialFolder.UserProfile), ".nuget", "packages"),
            "torchsharp", "0.107.0", "runtimes", "linux-x64", "native", "libLibTorchSharp.so");
        File.Delete(Path.Combine(dir, "libLibTorchSharp.so"));
        File.Copy(shipped, Path.Combine(dir, "libLibTorchSharp.so"));

        var start = new ProcessStartInfo("dotnet", new[] { Path.Combine(dir, "Latent.Cli.dll"), "curves", "--steps", "2", "--out", Path.Combine(dir, "out") })
        {
            RedirectStandardError = true,
            RedirectStandardOutput = true,
        };
        using var process = Process.Start(start)!;
        var stdoutTask = process.StandardOutput.ReadToEndAsync();
        var stderr = await process.StandardError.ReadToEndAsync();
        var stdout = await stdoutTask;
        await process.WaitForExitAsync();

        var systemLib = new[] { "/lib/x86_64-linux-gnu/libstdc++.so.6", "/usr/lib/x86_64-linux-gnu/libstdc++.so.6" }.First(File.Exists);
        bool systemHasVersion = File.ReadAllBytes(systemLib).AsSpan().IndexOf(Encoding.ASCII.GetBytes("GLIBCXX_3.4.32\0")) >= 0;
        if (systemHasVersion)
        {
            Assert.Equal(0, process.ExitCode);
            return;
        }
        Assert.Equal(1, process.ExitCode);
        var lines = stderr.Split('\n', StringSplitOptions.RemoveEmptyEntries);
        Assert.Single(lines);
        Assert.StartsWith("error: libtorch could not be loaded: libLibTorchSharp.so: version `GLIBCXX_3.4.32' not found", lines[0]);
        Assert.Contains("reference the Latent package", lines[0]);
        Assert.Contains("buildTransitive/Latent.targets", lines[0]);
        Assert.DoesNotContain("Trace from LoadNativeBackend", stdout);
    }
}
