using Latent.Cli.Tour;

namespace Latent.Tests.Cli;

/// <summary>The README's main job, `latent tour`, end to end with every chapter at a small scale.</summary>
public sealed class TourTests : IDisposable
{
    private readonly string root = Directory.CreateTempSubdirectory("latent-tour-").FullName;

    public void Dispose() => Directory.Delete(root, recursive: true);

    [Fact]
    public void EveryChapterRunsAndWritesItsSectionIntoBothReports()
    {
        var (code, error) = CliRunner.Run("tour", "--scale", "0.05", "--out", root);
        Assert.True(code == 0, $"exit {code}: {error}");
        var markdown = File.ReadAllText(Path.Combine(root, "report.md"));
        var html = File.ReadAllText(Path.Combine(root, "report.html"));
        foreach (var chapter in TourChapters.All)
        {
            Assert.Contains($"## {chapter.Title}", markdown);
            Assert.True(Directory.EnumerateFiles(Path.Combine(root, chapter.Name)).Any(), $"the {chapter.Name} chapter wrote no files");
        }
        Assert.Contains("**Adaptive softmax**", markdown);
        Assert.Contains("Convolutional and conditional VAEs", html);
    }
}
