using System.Diagnostics;
using Latent.Tests.Data;

namespace Latent.Tests.Cli;

/// <summary>
/// The built `latent` as a child process (one libtorch thread): Ctrl-C (SIGINT) makes it checkpoint, print the command that
/// resumes and exit 130; SIGKILL leaves the last periodic checkpoint; either way the resumed run ends with the files of an
/// uninterrupted one (metrics.json and the saved weights byte for byte).
/// </summary>
public sealed class InterruptTests : IDisposable
{
    private readonly string dir = Directory.CreateTempSubdirectory("latent-interrupt-").FullName;

    public void Dispose() => Directory.Delete(dir, true);

    /// <summary>A running `latent ARGS` with its output collected in the background.</summary>
    private sealed class Child : IDisposable
    {
        private readonly Process process;
        private readonly Task<string> stdout;
        private readonly Task<string> stderr;

        public Child(IEnumerable<string> args)
        {
            var start = new ProcessStartInfo("dotnet", [Path.Combine(AppContext.BaseDirectory, "Latent.Cli.dll"), .. args])
            {
                RedirectStandardOutput = true,
                RedirectStandardError = true,
                Environment = { ["LATENT_THREADS"] = "1" },
            };
            process = Process.Start(start)!;
            stdout = process.StandardOutput.ReadToEndAsync();
            stderr = process.StandardError.ReadToEndAsync();
        }

        /// <summary>Sends <paramref name="signal"/> (INT, KILL) with kill(1).</summary>
        public void Signal(string signal)
        {
            using var kill = Process.Start("kill", ["-s", signal, process.Id.ToString(System.Globalization.CultureInfo.InvariantCulture)])!;
            kill.WaitForExit();
            Assert.Equal(0, kill.ExitCode);
        }

        public (int Code, string Output, string Error) Finish()
        {
            Assert.True(process.WaitForExit(TimeSpan.FromSeconds(120)), "latent did not finish within two minutes");
            return (process.ExitCode, stdout.Result, stderr.Result);
        }

        public void Dispose()
        {
            if (!process.HasExited) process.Kill();
            process.Dispose();
        }
    }

    private static (int Code, string Output, string Error) Run(IEnumerable<string> args)
    {
        using var child = new Child(args);
        return child.Finish();
    }

    private static void WaitFor(string path)
    {
        var clock = Stopwatch.StartNew();
        while (!File.Exists(path))
        {
            Assert.True(clock.Elapsed < TimeSpan.FromSeconds(60), $"{path} did not appear within a minute");
            Thread.Sleep(10);
        }
    }

    private static void AssertSameResult(string expected, string actual, params string[] models)
    {
        Assert.Equal(File.ReadAllText(Path.Combine(expected, "metrics.json")), File.ReadAllText(Path.Combine(actual, "metrics.json")));
        foreach (var model in models.DefaultIfEmpty("model"))
            Assert.Equal(File.ReadAllBytes(Path.Combine(expected, model, "model.safetensors")), File.ReadAllBytes(Path.Combine(actual, model, "model.safetensors")));
    }

    /// <summary>
    /// Starts <paramref name="args"/> --out OUT, interrupts it with SIGINT once <paramref name="checkpointFile"/> exists, checks what it
    /// printed and that OUT holds only <paramref name="leftBehind"/> (default: the checkpoint) and the TensorBoard log, then resumes it to the end.
    /// </summary>
    private void InterruptAndResume(string[] args, string name, string checkpointFile = "checkpoint.bin", params string[] leftBehind)
    {
        var outDir = Path.Combine(dir, name);
        string[] run = [.. args, "--out", outDir];
        var checkpoint = Path.Combine(outDir, checkpointFile);
        using (var child = new Child(run))
        {
            WaitFor(checkpoint);
            child.Signal("INT");
            var (code, _, error) = child.Finish();
            Assert.True(code == 130, $"exit {code}: {error}");
            var lines = error.Split('\n', StringSplitOptions.RemoveEmptyEntries);
            Assert.Matches($"^interrupted after (step [0-9]+|[0-9]+ words); checkpoint written to {checkpoint}$", lines[^2]);
            Assert.Equal($"resume with: latent {string.Join(' ', run)} --resume", lines[^1]);
            Assert.Equal(leftBehind.DefaultIfEmpty(checkpointFile).Append(Latent.Training.RunLog.FolderName).Order(), Directory.GetFileSystemEntries(outDir).Select(Path.GetFileName).Order());
        }
        var resumed = Run([.. run, "--resume"]);
        Assert.True(resumed.Code == 0, resumed.Error);
    }

    [Fact]
    public void SvgpTrainSurvivesSigintAndSigkillAndResumesToTheUninterruptedResult()
    {
        var data = TinyDataFiles.Csv(dir);
        // 600 iterations instead of the default 2000 keep the five runs short; a checkpoint is written every 200 steps.
        string[] args = ["svgp", "train", "--data", data, "--iterations", "600"];
        var straight = Path.Combine(dir, "straight");
        using var uninterrupted = new Child([.. args, "--out", straight]);
        InterruptAndResume(args, "sigint");

        var killed = Path.Combine(dir, "sigkill");
        using (var child = new Child([.. args, "--out", killed]))
        {
            WaitFor(Path.Combine(killed, "checkpoint.bin"));
            child.Signal("KILL");
            Assert.Equal(137, child.Finish().Code);
        }
        var resumed = Run([.. args, "--out", killed, "--resume"]);
        Assert.True(resumed.Code == 0, resumed.Error);
        Assert.True(uninterrupted.Finish().Code == 0);
        AssertSameResult(straight, killed);
        AssertSameResult(straight, Path.Combine(dir, "sigint"));
    }

    [Fact]
    public void MlpSurvivesSigintAndResumesToTheUninterruptedResult()
    {
        var data = TinyDataFiles.Csv(dir, count: 200);
        // 150 epochs instead of the default 5, so that the run is still going when the signal arrives; a checkpoint follows every epoch.
        string[] args = ["mlp", "--data", data, "--epochs", "150"];
        var straight = Path.Combine(dir, "straight");
        using var uninterrupted = new Child([.. args, "--out", straight]);
        InterruptAndResume(args, "sigint");
        Assert.True(uninterrupted.Finish().Code == 0);
        AssertSameResult(straight, Path.Combine(dir, "sigint"));
    }

    [Fact]
    public void Word2VecTrainSurvivesSigintAndResumesToTheUninterruptedVectors()
    {
        // The embedded Brown corpus with 3 epochs of 16-dimensional vectors instead of the default 5 of 100 (a few seconds), on one
        // thread so that the vectors are deterministic; the checkpoint follows every epoch.
        string[] args = ["word2vec", "train", "--threads", "1", "--epochs", "3", "--dim", "16"];
        var straight = Path.Combine(dir, "straight");
        using var uninterrupted = new Child([.. args, "--out", straight]);
        InterruptAndResume(args, "sigint");
        Assert.True(uninterrupted.Finish().Code == 0);
        foreach (var file in new[] { "vectors.bin", "model.safetensors" })
            Assert.Equal(File.ReadAllBytes(Path.Combine(straight, file)), File.ReadAllBytes(Path.Combine(dir, "sigint", file)));
    }

    [Fact]
    public void NoisyTrainSurvivesSigintInItsSecondModelAndResumesBothToTheUninterruptedResult()
    {
        var data = TinyDataFiles.Csv(dir, count: 200);
        // 100 epochs instead of the default 10, so that the second noise model is still training when the signal arrives; the first
        // one's model folder and final checkpoint stay (ResumeTests shows that a resumed fit continues from its checkpoint exactly).
        string[] args = ["noisy", "train", "--data", data, "--q", "none", "softmax", "--epochs", "100"];
        var straight = Path.Combine(dir, "straight");
        using var uninterrupted = new Child([.. args, "--out", straight]);
        InterruptAndResume(args, "sigint", "checkpoint-softmax.bin", "checkpoint-none.bin", "checkpoint-softmax.bin", "none");
        Assert.True(uninterrupted.Finish().Code == 0);
        AssertSameResult(straight, Path.Combine(dir, "sigint"), "none", "softmax");
    }
}
