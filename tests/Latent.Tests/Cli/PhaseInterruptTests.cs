using System.Diagnostics;
using System.Text.RegularExpressions;
using Latent.Tests.Data;
using Latent.Training;

namespace Latent.Tests.Cli;

/// <summary>
/// The built `latent` as a child process, signalled once it prints that a long phase after training began ("evaluating on …"): it
/// stops within seconds, keeps the model folder and checkpoint, says what it skipped and the command that redoes it, and exits 130.
/// Each test sizes that phase (a large test part, many importance samples) to run far longer than the signal takes to arrive.
/// </summary>
public sealed class PhaseInterruptTests : IDisposable
{
    private const int Sigint = 2, Sigterm = 15;

    /// <summary>The most seconds from the signal to the end that the tests accept (about 2 s on an idle machine; a shared one is slower).</summary>
    private const double StopSeconds = 15;

    private readonly string dir = Directory.CreateTempSubdirectory("latent-phase-interrupt-").FullName;

    public void Dispose() => Directory.Delete(dir, true);

    /// <summary>
    /// Runs <paramref name="args"/>, sends <paramref name="signal"/> once it prints a line starting with <paramref name="marker"/> (the phase
    /// began) and returns the last two lines of stderr.
    /// </summary>
    private static (string Message, string Redo) InterruptEvaluation(string[] args, int signal = Sigint, string marker = "evaluating on ")
    {
        using var child = new CliChild(args);
        child.WaitForLine(marker);
        var clock = Stopwatch.StartNew();
        child.Signal(signal);
        var (code, output, error) = child.Finish();
        Assert.True(code == 130, $"exit {code}: {output}\n{error}");
        Assert.True(clock.Elapsed.TotalSeconds < StopSeconds, $"latent took {clock.Elapsed.TotalSeconds:F1} s to stop");
        var lines = error.Split('\n', StringSplitOptions.RemoveEmptyEntries);
        return (lines[^2], lines[^1]);
    }

    private static void AssertEntries(string folder, params string[] names) =>
        Assert.Equal(names.Order(), Directory.GetFileSystemEntries(folder).Select(Path.GetFileName).Order());

    [Fact]
    public void VaeTrainStopsDuringTheIwaeEstimateAndItsRedoCommandEvaluatesTheKeptModel()
    {
        var data = TinyDataFiles.IdxFolder(dir);
        var outDir = Path.Combine(dir, "vae");
        // Ten million importance samples per example take minutes; two examples, a 2-D latent and 16 hidden units keep training instant.
        string[] args = ["vae", "train", "--data", data, "--epochs", "1", "--hidden", "16", "--latent", "2", "--iwae-k", "10000000", "--iwae-examples", "2", "--out", outDir];
        var (message, redo) = InterruptEvaluation(args);
        var (model, checkpoint, log) = (Path.Combine(outDir, "model"), Path.Combine(outDir, "checkpoint.bin"), Path.Combine(outDir, RunLog.FolderName));
        // The signal lands in the IWAE estimate, or in the -ELBO pass before it when the first call into libtorch is slow.
        Assert.Matches($"^interrupted during the (IWAE log-likelihood estimate|test -ELBO); skipped metrics.json and the report; kept {Regex.Escape(model)}, {Regex.Escape(checkpoint)}, {Regex.Escape(log)}$", message);
        Assert.Equal($"redo with: latent vae eval --data {data} --iwae-k 10000000 --iwae-examples 2 --model {model} --out {outDir}", redo);
        AssertEntries(outDir, "model", "checkpoint.bin", RunLog.FolderName);

        // The redo command, with 10 importance samples instead of ten million, evaluates the kept model.
        var again = redo["redo with: latent ".Length..].Split(' ').ToArray();
        again[Array.IndexOf(again, "--iwae-k") + 1] = "10";
        var (code, error) = CliRunner.Run(again);
        Assert.True(code == 0, error);
        Assert.Contains("test_iwae_loglik", File.ReadAllText(Path.Combine(outDir, "metrics.json")));
    }

    [Fact]
    public void SvgpTrainStopsOnSigtermDuringTheTestEvaluation()
    {
        // 100,000 test examples predicted against 300 inducing points take many seconds; 300 training examples train 10 steps at once.
        var data = TinyDataFiles.NpzVectors(dir, trainCount: 300, testCount: 100_000);
        var outDir = Path.Combine(dir, "svgp");
        var (message, redo) = InterruptEvaluation(["svgp", "train", "--data", data, "--iterations", "10", "--inducing", "every:1", "--out", outDir], Sigterm);
        var (model, checkpoint, elbo, log) = (Path.Combine(outDir, "model"), Path.Combine(outDir, "checkpoint.bin"), Path.Combine(outDir, "svgp-elbo.png"), Path.Combine(outDir, RunLog.FolderName));
        Assert.Equal($"interrupted during the test evaluation; skipped the calibration figure and metrics.json; kept {model}, {checkpoint}, {elbo}, {log}", message);
        Assert.Equal($"redo with: latent svgp eval --data {data} --model {model} --out {outDir}", redo);
        AssertEntries(outDir, "model", "checkpoint.bin", "svgp-elbo.png", RunLog.FolderName);
    }

    [Fact]
    public void MlpStopsDuringTheTestEvaluationAndItsResumeCommandFinishesWithoutTraining()
    {
        // 50,000 test examples through two 1024-wide layers (seconds); 60 training examples make the one epoch instant.
        var data = TinyDataFiles.NpzVectors(dir, trainCount: 60, testCount: 50_000);
        var outDir = Path.Combine(dir, "mlp");
        string[] args = ["mlp", "--data", data, "--epochs", "1", "--hidden", "1024,1024", "--out", outDir];
        var (message, redo) = InterruptEvaluation(args);
        var files = new[] { "checkpoint.bin", "curve.csv", "curve.png", "model", RunLog.FolderName };
        Assert.Equal($"interrupted during the test evaluation; skipped metrics.json; kept {string.Join(", ", files.Select(f => Path.Combine(outDir, f)))}", message);
        Assert.Equal($"redo with: latent {string.Join(' ', args)} --resume", redo);
        AssertEntries(outDir, files);
        var weights = File.ReadAllBytes(Path.Combine(outDir, "model", "model.safetensors"));

        var (code, error) = CliRunner.Run([.. args, "--resume"]);
        Assert.True(code == 0, error);
        Assert.Contains("test_accuracy", File.ReadAllText(Path.Combine(outDir, "metrics.json")));
        Assert.Equal(weights, File.ReadAllBytes(Path.Combine(outDir, "model", "model.safetensors")));
    }

    [Fact]
    public void NoisyTrainStopsDuringTheTestEvaluationOfItsFirstModelAndItsResumeCommandFinishes()
    {
        // 50,000 test examples of 50 features through 2048 hidden units (seconds); 60 training examples make the one epoch instant.
        var data = TinyDataFiles.NpzVectors(dir, trainCount: 60, testCount: 50_000, features: 50);
        var outDir = Path.Combine(dir, "noisy");
        string[] args = ["noisy", "train", "--data", data, "--q", "none", "softmax", "--epochs", "1", "--hidden", "2048", "--out", outDir];
        var (message, redo) = InterruptEvaluation(args, marker: "evaluating none on ");
        var (model, checkpoint, log) = (Path.Combine(outDir, "none"), Path.Combine(outDir, "checkpoint-none.bin"), Path.Combine(outDir, RunLog.FolderName, "none"));
        Assert.Equal($"interrupted during the test evaluation; skipped the remaining noise models, the figures and metrics.json; kept {model}, {checkpoint}, {log}", message);
        Assert.Equal($"redo with: latent {string.Join(' ', args)} --resume", redo);
        AssertEntries(outDir, "none", "checkpoint-none.bin", RunLog.FolderName);

        var (code, error) = CliRunner.Run([.. args, "--resume"]);
        Assert.True(code == 0, error);
        Assert.Contains("test_accuracy", File.ReadAllText(Path.Combine(outDir, "metrics.json")));
    }

    [Fact]
    public void LmTrainStopsDuringTheTestEvaluationAndNamesLmEval()
    {
        // 150,000 tokens of 500 words: the 45% test share is 60 chunks of 32 × 35 tokens through a 128-wide LSTM, read twice (perplexity,
        // accuracy), seconds in all; the 10% training share is one short epoch.
        var corpus = Path.Combine(dir, "corpus.txt");
        var random = new Random(7);
        File.WriteAllLines(corpus, Enumerable.Range(0, 10_000).Select(_ => string.Join(' ', Enumerable.Range(0, 15).Select(_ => $"w{random.Next(500)}"))));
        var outDir = Path.Combine(dir, "lm");
        string[] args = ["lm", "train", "--corpus", corpus, "--epochs", "1", "--size", "128", "--min-count", "1", "--test-fraction", "0.45", "--out", outDir];
        var (message, redo) = InterruptEvaluation(args);
        var kept = new[] { "config.json", "model.safetensors", "vocabulary.txt", "checkpoint.pt", RunLog.FolderName }.Select(f => Path.Combine(outDir, f));
        Assert.Equal($"interrupted during the perplexity evaluation; skipped metrics.json, curve.csv, perplexity.png and the report; kept {string.Join(", ", kept)}", message);
        Assert.Equal($"redo with: latent lm eval --corpus {corpus} --model {outDir} --out {outDir}", redo);
        AssertEntries(outDir, "config.json", "model.safetensors", "vocabulary.txt", "checkpoint.pt", RunLog.FolderName);
    }

    [Fact]
    public void Word2VecTrainStopsWhileReadingTheCorpusAndKeepsNothing()
    {
        // 400,000 lines take seconds to read; the signal comes as soon as the reading begins.
        var corpus = Path.Combine(dir, "corpus.txt");
        File.WriteAllLines(corpus, Enumerable.Range(0, 400_000).Select(i => $"the {i % 97} cat sat on the {i % 89} mat and the dog ran"));
        var outDir = Path.Combine(dir, "word2vec");
        string[] args = ["word2vec", "train", "--corpus", corpus, "--out", outDir];
        var (message, redo) = InterruptEvaluation(args, marker: "reading ");
        Assert.Equal("interrupted during reading the corpus; nothing was kept", message);
        Assert.Equal($"redo with: latent {string.Join(' ', args)}", redo);
        Assert.False(Directory.Exists(outDir) && Directory.EnumerateFileSystemEntries(outDir).Any());
    }
}
