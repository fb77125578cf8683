using System.CommandLine;
using Latent.Cli.Commands;
using Latent.Cli.Infrastructure;

namespace Latent.Tests.Gp;

public class SvgpCommandTests : IDisposable
{
    private readonly string root = Directory.CreateTempSubdirectory("latent-svgp-").FullName;

    public SvgpCommandTests() => LatentRuntime.Initialize();

    public void Dispose() => Directory.Delete(root, recursive: true);

    private static int Run(params string[] args)
    {
        var command = new RootCommand { new SvgpCommand().Build(new ConsoleUi()) };
        var parsed = command.Parse(args);
        return parsed.Errors.Count > 0 ? ExitCodes.BadUsage : parsed.Invoke(new InvocationConfiguration { EnableDefaultExceptionHandler = false });
    }

    [Fact]
    public void TrainWritesModelAndReportAndEvalReloadsIt()
    {
        var trained = Path.Combine(root, "train");
        Assert.Equal(0, Run("svgp", "train", "--ard", "--whiten", "--q-diag", "--inducing", "every:20", "--train-examples", "200", "--test-examples", "100",
            "--iterations", "3", "--batch-size", "50", "--samples", "20", "--lr-final", "0.001", "--out", trained));
        foreach (var file in new[] { "svgp-model.dat", "svgp-model.json", "svgp-elbo.csv", "svgp-elbo.png", "svgp-calibration.png", "svgp-samples.png", "report.md" })
            Assert.True(File.Exists(Path.Combine(trained, file)), $"{file} missing");
        Assert.Contains("accuracy", File.ReadAllText(Path.Combine(trained, "report.md")));

        var continued = Path.Combine(root, "continued");
        Assert.Equal(0, Run("svgp", "train", "--init-from", trained, "--train-examples", "200", "--test-examples", "100",
            "--iterations", "4", "--batch-size", "50", "--samples", "20", "--natgrad", "0.01", "--out", continued));
        Assert.Contains("\"StepsTaken\": 7", File.ReadAllText(Path.Combine(continued, "svgp-model.json")));
        Assert.Contains("already trained for 3 steps", File.ReadAllText(Path.Combine(continued, "report.md")));
        Assert.Contains("Natural-gradient steps of size 0.01 on q(u)", File.ReadAllText(Path.Combine(continued, "report.md")));

        var widened = Path.Combine(root, "widened");
        Assert.Equal(0, Run("svgp", "train", "--init-from", trained, "--full-q", "--train-examples", "200", "--test-examples", "100",
            "--iterations", "2", "--batch-size", "50", "--samples", "20", "--out", widened));
        Assert.Contains("\"QDiagonal\": false", File.ReadAllText(Path.Combine(widened, "svgp-model.json")));
        Assert.Contains("with a diagonal q(u), where the full q started", File.ReadAllText(Path.Combine(widened, "report.md")));
        Assert.Equal(0, Run("svgp", "eval", "--model", widened, "--test-examples", "50", "--samples", "10", "--out", Path.Combine(root, "widened-eval")));
        Assert.Throws<LatentException>(() => Run("svgp", "train", "--full-q", "--train-examples", "200", "--iterations", "1",
            "--test-examples", "50", "--out", Path.Combine(root, "fresh-full-q")));
        Assert.Throws<LatentException>(() => Run("svgp", "train", "--init-from", trained, "--train-examples", "150", "--iterations", "1",
            "--test-examples", "50", "--out", Path.Combine(root, "mismatch")));

        var evaluated = Path.Combine(root, "eval");
        Assert.Equal(0, Run("svgp", "eval", "--model", trained, "--test-examples", "50", "--samples", "10", "--out", evaluated));
        Assert.True(File.Exists(Path.Combine(evaluated, "report.md")));
    }

    [Fact]
    public void DeskewIsSavedWithTheModelAndKeptByContinuationAndEval()
    {
        var trained = Path.Combine(root, "train");
        Assert.Equal(0, Run("svgp", "train", "--deskew", "--whiten", "--q-diag", "--inducing", "every:20", "--train-examples", "200", "--test-examples", "100",
            "--iterations", "2", "--batch-size", "50", "--samples", "10", "--out", trained));
        Assert.Contains("\"Deskew\": true", File.ReadAllText(Path.Combine(trained, "svgp-model.json")));
        Assert.Contains("(deskewed, as are the test images)", File.ReadAllText(Path.Combine(trained, "report.md")));

        var continued = Path.Combine(root, "continued");
        Assert.Equal(0, Run("svgp", "train", "--init-from", trained, "--train-examples", "200", "--test-examples", "100",
            "--iterations", "1", "--batch-size", "50", "--samples", "10", "--out", continued));
        Assert.Contains("\"Deskew\": true", File.ReadAllText(Path.Combine(continued, "svgp-model.json")));

        var evaluated = Path.Combine(root, "eval");
        Assert.Equal(0, Run("svgp", "eval", "--model", trained, "--test-examples", "50", "--samples", "10", "--out", evaluated));
        Assert.Contains("the test images are deskewed the same way", File.ReadAllText(Path.Combine(evaluated, "report.md")));
    }

    [Fact]
    public void BadArgumentsAreRejected()
    {
        Assert.Equal(ExitCodes.BadUsage, Run("svgp", "train", "--inducing", "every:x"));
        Assert.Equal(ExitCodes.BadUsage, Run("svgp", "train", "--likelihood", "probit"));
        Assert.Equal(ExitCodes.BadUsage, Run("svgp", "train", "--lr-final", "-1"));
        Assert.Equal(ExitCodes.BadUsage, Run("svgp", "train", "--natgrad", "1.5"));
        Assert.Throws<LatentException>(() => Run("svgp", "eval", "--model", root, "--out", Path.Combine(root, "out")));
        Assert.Throws<LatentException>(() => Run("svgp", "train", "--kernel", "matern99", "--train-examples", "50", "--out", Path.Combine(root, "t")));
    }
}
