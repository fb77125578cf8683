using System.Diagnostics;
using System.Text.RegularExpressions;
using Latent.Tests.Data;

namespace Latent.Tests.Docs;

/// <summary>
/// The README's C# example and the programs in samples/ are compiled and run as a user would (`dotnet run FILE.cs`, .NET's
/// file-based apps) on tiny data, so the documentation cannot drift from the library.
/// </summary>
public sealed partial class ProgramsTests : IDisposable
{
    private static readonly string Root = FindRoot();
    private readonly string dir = Directory.CreateTempSubdirectory("latent-programs-").FullName;

    public void Dispose() => Directory.Delete(dir, true);

    [Fact]
    public void TheReadmeExampleCompilesAndRunsOnTinyImages()
    {
        var readme = File.ReadAllText(Path.Combine(Root, "README.md"));
        var tour = readme[readme.IndexOf("## A quick tour of the API", StringComparison.Ordinal)..];
        var code = CSharpBlock().Match(tour).Groups[1].Value;
        Assert.Contains("VaeModel.For", code);
        // The program must sit inside the repository so that its build gets the repository's native-compatibility targets.
        var folder = Directory.CreateDirectory(Path.Combine(Root, "tests", "Latent.Tests", "bin", "readme-example")).FullName;
        var program = Path.Combine(folder, "ReadmeExample.cs");
        File.WriteAllText(program, Directives() + code);
        var output = Run(program, TinyDataFiles.IdxFolder(dir));
        Assert.Matches(@"VAE: test -ELBO \d", output);
        Assert.Matches(@"SVGP: test accuracy \d", output);
        Assert.True(File.Exists(Path.Combine(dir, "runs", "vae", "model.safetensors")));
    }

    [Fact]
    public void TheSvgpSampleRunsOnAnNpzOfFeatureVectors()
    {
        var output = Run(Path.Combine(Root, "samples", "SvgpClassification.cs"), TinyDataFiles.NpzVectors(dir), "50");
        Assert.Matches(@"test accuracy \d", output);
        Assert.Contains("mean of 1000 linked samples", output);
        Assert.Contains("reloaded test accuracy", output);
    }

    [Fact]
    public void TheVaeSampleRunsOnARealValuedCsv()
    {
        var output = Run(Path.Combine(Root, "samples", "Vae.cs"), TinyDataFiles.Csv(dir), "gaussian-learned", "2");
        Assert.Matches(@"IWAE \(k = \d+\) log-likelihood", output);
        Assert.Contains("reloaded test -ELBO", output);
    }

    [Fact]
    public void TheNoisyLabelSampleRunsOnAThreeClassImageFolder()
    {
        var output = Run(Path.Combine(Root, "samples", "NoisyLabels.cs"), TinyDataFiles.ImageFolder(dir), "symmetric:0.3", "2");
        Assert.Contains("learned Q (rows: noisy label, columns: true label)", output);
        Assert.Contains("reloaded accuracy", output);
    }

    /// <summary>The directives a file-based app needs to use the library from this checkout with the CPU backend.</summary>
    private static string Directives() =>
        $"#:project {Path.Combine(Root, "src", "Latent", "Latent.csproj")}\n#:package libtorch-cpu-linux-x64\n#:property PublishAot=false\n";

    /// <summary>`dotnet run PROGRAM -- ARGS` in the test's temporary folder; returns standard output after asserting exit code 0.</summary>
    private string Run(string program, params string[] arguments)
    {
        var start = new ProcessStartInfo("dotnet") { WorkingDirectory = dir, RedirectStandardOutput = true, RedirectStandardError = true };
        foreach (var argument in new[] { "run", program, "--" }.Concat(arguments)) start.ArgumentList.Add(argument);
        start.Environment["DOTNET_CLI_TELEMETRY_OPTOUT"] = "1";
        start.Environment["DOTNET_NOLOGO"] = "1";
        using var process = Process.Start(start)!;
        var error = process.StandardError.ReadToEndAsync();
        var output = process.StandardOutput.ReadToEnd();
        process.WaitForExit();
        Assert.True(process.ExitCode == 0, $"dotnet run {Path.GetFileName(program)} exited {process.ExitCode}:\n{output}\n{error.Result}");
        return output;
    }

    private static string FindRoot()
    {
        for (var folder = new DirectoryInfo(AppContext.BaseDirectory); folder is not null; folder = folder.Parent)
            if (File.Exists(Path.Combine(folder.FullName, "Latent.slnx"))) return folder.FullName;
        throw new InvalidOperationException($"no Latent.slnx above {AppContext.BaseDirectory}");
    }

    [GeneratedRegex("```csharp\n(.*?)```", RegexOptions.Singleline)]
    private static partial Regex CSharpBlock();
}
