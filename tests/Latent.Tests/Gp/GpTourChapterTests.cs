using System.Globalization;
using System.Text.RegularExpressions;
using Latent.Tests.Cli;

namespace Latent.Tests.Gp;

public class GpTourChapterTests : IDisposable
{
    private readonly string root = Directory.CreateTempSubdirectory("latent-gp-tour-").FullName;

    public void Dispose() => Directory.Delete(root, recursive: true);

    [Fact]
    public void TheGpChapterWritesTheBandFigureTheParameterTablesAndABoundNoBetterThanTheExactLikelihood()
    {
        var (code, error) = CliRunner.Run("tour", "--chapters", "gp", "--scale", "0.2", "--out", root);
        Assert.True(code == 0, $"exit {code}: {error}");
        var report = File.ReadAllText(Path.Combine(root, "report.md"));
        Assert.Contains("## GP regression: exact GPR, sparse SGPR and stochastic SVGP on a 1-D curve", report);
        Assert.True(new FileInfo(Path.Combine(root, "gp", "gp-bands.png")).Length > 10_000, "the band figure should be a real image");
        Assert.Contains("kernel.lengthscales", report);
        Assert.Contains("inducingInputs", report);
        // The collapsed bound is below the log marginal likelihood, so SGPR's loss per point is not below GPR's (both near their optimum).
        var losses = Regex.Matches(report, @"^\| (GPR \(exact\)|SGPR \(M = 20\)|SVGP \(M = 20\)) \| [\d.]+ s \| (-?[\d.]+) \|", RegexOptions.Multiline)
            .Select(m => double.Parse(m.Groups[2].Value, CultureInfo.InvariantCulture)).ToArray();
        Assert.Equal(3, losses.Length);
        Assert.True(losses[1] >= losses[0] - 0.01, $"SGPR's −bound per point {losses[1]} should not be below GPR's −log p(y) per point {losses[0]}");
        Assert.True(losses[2] >= losses[0] - 0.01, $"SVGP's −ELBO per point {losses[2]} should not be below GPR's −log p(y) per point {losses[0]}");
        // The scaling study at this scale: N = 1,000, 2,000, 4,000; exact GPR only at 1,000, the sparse models at every N.
        Assert.True(new FileInfo(Path.Combine(root, "gp", "gp-scaling.png")).Length > 10_000, "the scaling figure should be a real image");
        var rows = Regex.Matches(report, @"^\| ([\d,]+) \| (not run|[\d.]+ s) \| (not run|-?[\d.]+) \| [\d.]+ s \| -?[\d.]+ \| [\d.]+ s \| -?[\d.]+ \|$", RegexOptions.Multiline)
            .Select(m => (N: m.Groups[1].Value, Exact: m.Groups[2].Value != "not run")).ToArray();
        Assert.Equal([("1,000", true), ("2,000", false), ("4,000", false)], rows);
        Assert.Contains("memory would stop it at N ≈", report);
    }
}
