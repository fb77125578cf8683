using System.Diagnostics;
using System.Globalization;
using Latent.Data;
using Latent.Text;

namespace Latent.Bench;

/// <summary>
/// word2vec's four modes (skip-gram or CBOW, negative sampling or hierarchical softmax) on the lowercased Brown corpus with word2vec.c
/// defaults (d 100, window 5, min count 5, sample 1e-3, 5 epochs, 2 threads): each mode trained by Latent in this process (words/s),
/// by `latent word2vec train` as a whole process (start-up, corpus reading and the model folder's files included), and by gensim as a
/// whole process when Debian's python3-gensim is installed, all in the same run. Quality: the held-out loss of the mode's own kind and,
/// given a word-pair file (or gensim's own WordSim-353 copy), the Spearman ρ (and, given a questions-words file, the analogy accuracy) that `latent word2vec evaluate` reports, computed
/// identically for every vector set.
/// </summary>
public sealed class Word2VecBrownWorkload : IWorkload
{
    private const double TargetRatio = 0.5;
    private const double TargetCbowSpeedup = 2.5;
    private const ulong ScoreSeed = 7;
    private static readonly string[] Probes = ["money", "president", "church", "water", "war", "said", "three", "black"];

    /// <inheritdoc />
    public string Name => "word2vec-brown";

    /// <inheritdoc />
    public string Description => "four word2vec modes on Brown (95% train, 5 epochs, 2 threads): Latent in-process and as whole processes, gensim in the same run when installed; held-out loss and word-pair Spearman [--rounds 1] [--threads 2] [--modes skipgram:negative,...] [--pairs FILE] [--analogies FILE] [--latent PATH] [--baseline] [--profile-only]";

    /// <inheritdoc />
    public void Run(string[] args)
    {
        Arguments.RejectUnknown(args, "--rounds", "--baseline", "--profile-only", "--threads", "--modes", "--pairs", "--analogies", "--latent");
        int rounds = Arguments.Int(args, "--rounds", 1);
        var tokens = BrownCorpus.LoadEmbedded().Words.Select(w => w.ToLowerInvariant()).ToList();
        var settings = new Word2VecOptions { Threads = Arguments.Int(args, "--threads", Word2VecOptions.Default.Threads) };
        int split = tokens.Count * 95 / 100;
        var heldOut = tokens.GetRange(split, tokens.Count - split);
        var train = tokens.GetRange(0, split);
        Console.WriteLine($"corpus: Brown, lowercased; train on the first 95% ({train.Count:N0} tokens), score on the last 5% ({heldOut.Count:N0}); " +
                          $"d={settings.Dimensions} window={settings.Window} min_count={settings.MinCount} negative={settings.Negative} sample={settings.Sample} epochs={settings.Epochs} threads={settings.Threads}");
        if (args.Contains("--profile-only"))
        {
            Word2VecProfile.Print(new Word2Vec(settings with { Epochs = 1 }).Fit(train), train, double.NaN);
            return;
        }
        var modes = (Arguments.Text(args, "--modes") ?? "skipgram:negative,skipgram:hierarchical,cbow:negative,cbow:hierarchical")
            .Split(',').Select(m => m.Split(':')).Select(m => m.Length == 2 ? settings with { Model = m[0], Loss = m[1] } : throw new LatentException($"--modes: expected model:loss, got '{string.Join(':', m)}'")).ToList();
        foreach (var mode in modes) mode.Validate();

        var gensim = GensimWord2Vec.Find(out string why);
        Console.WriteLine(gensim is null ? $"gensim: not measured: {why}" : $"gensim {gensim.Version}: measured in this run as a whole process, after Latent in each round");
        var latent = LatentProcess.Find(Arguments.Text(args, "--latent"), out string whyNot);
        Console.WriteLine(latent is null ? $"latent word2vec train as a whole process: not measured: {whyNot}" : $"latent word2vec train as a whole process: {latent.Path}");
        var pairs = Arguments.Text(args, "--pairs") ?? gensim?.TestData("wordsim353.tsv");
        Console.WriteLine(pairs is null ? "word pairs: none (give --pairs FILE, e.g. WordSim-353 as tab-separated word1 word2 score)" : $"word pairs: {pairs}, scored as `latent word2vec evaluate --pairs` scores them");
        var analogies = Arguments.Text(args, "--analogies") ?? gensim?.TestData("questions-words.txt");
        Console.WriteLine(analogies is null ? "analogies: none (give --analogies FILE in questions-words format)" : $"analogies: {analogies}, scored as `latent word2vec evaluate --analogies` scores them");
        Console.WriteLine("held-out loss: mean loss per prediction of the mode's own kind (negative sampling: 5 noise words, seeded; hierarchical softmax: exact −log p); lower is better");

        using var corpusFile = new CorpusFile(train, settings.MaxSentenceLength);
        var rows = new List<string[]>();
        var wordsPerSecond = new Dictionary<string, double>();
        Word2Vec? last = null;
        foreach (var mode in modes)
        {
            string name = $"{mode.Model} + {mode.Loss}";
            var inProcess = new List<double>();
            var processes = new List<double>();
            var gensimProcesses = new List<double>();
            string latentQuality = "", processQuality = "", gensimQuality = "";
            for (int round = 1; round <= rounds; round++)
            {
                var clock = Stopwatch.StartNew();
                var model = new Word2Vec(mode).Fit(train);
                inProcess.Add(clock.Elapsed.TotalSeconds);
                wordsPerSecond[name] = model.WordsPerSecond;
                latentQuality = Quality(model.HeldOutLoss(heldOut, ScoreSeed), model.Vectors, pairs, analogies);
                string line = $"{name}, round {round} [{Load()}]: Latent in-process {inProcess[^1]:F2} s ({model.WordsPerSecond:N0} words/s), {latentQuality}";
                if (latent is not null)
                {
                    var (seconds, folder) = latent.Train(corpusFile.Path, mode);
                    processes.Add(seconds);
                    var trained = Word2Vec.Load(folder);
                    processQuality = Quality(trained.HeldOutLoss(heldOut, ScoreSeed), trained.Vectors, pairs, analogies);
                    line += $"; whole process {seconds:F2} s, {processQuality}";
                }
                if (gensim is not null)
                {
                    var (processSeconds, seconds, input, output) = gensim.Train(train, mode);
                    gensimProcesses.Add(processSeconds);
                    double? loss = mode.Architecture == Word2VecArchitecture.SkipGram && output is not null
                        ? HeldOutScore.Loss(model.Vocabulary, model.NoiseDistribution, input, output, heldOut, mode, ScoreSeed).Loss
                        : null;
                    gensimQuality = Quality(loss, input, pairs, analogies);
                    line += $"; gensim whole process {processSeconds:F2} s (training {seconds:F2} s), {gensimQuality}";
                }
                Console.WriteLine(line);
                last = model;
            }
            rows.Add([name, $"{Median(inProcess):F2}", processes.Count > 0 ? $"{Median(processes):F2}" : "—", gensimProcesses.Count > 0 ? $"{Median(gensimProcesses):F2}" : "—",
                processes.Count > 0 && gensimProcesses.Count > 0 ? $"{Median(processes) / Median(gensimProcesses):F2}" : "—", processes.Count > 0 ? processQuality : latentQuality, gensimQuality == "" ? "—" : gensimQuality]);
        }
        Console.WriteLine();
        Console.WriteLine($"| mode | Latent in-process s | Latent whole process s | gensim whole process s | Latent/gensim (target ≤ {TargetRatio}) | Latent quality | gensim quality |");
        Console.WriteLine("|---|---|---|---|---|---|---|");
        foreach (var row in rows) Console.WriteLine($"| {string.Join(" | ", row)} |");
        if (wordsPerSecond.TryGetValue("cbow + negative", out double cbow) && wordsPerSecond.TryGetValue("skipgram + negative", out double skipGram))
        {
            double speedup = cbow / skipGram;
            Console.WriteLine($"CBOW + negative trains {speedup:F2}× skip-gram + negative's words/s (target ≥ {TargetCbowSpeedup}: {(speedup >= TargetCbowSpeedup ? "met" : "NOT met")})");
        }
        foreach (var probe in Probes.Where(last!.Vectors.Contains))
            Console.WriteLine($"  {probe,-10} → {string.Join(", ", last.Vectors.MostSimilar(probe, 5).Select(n => $"{n.Word} ({n.Similarity:F2})"))}");
        if (!args.Contains("--baseline")) return;

        var reference = new Word2Vec(settings).Fit(train);
        var baseline = new ScalarSkipGram(reference.Vocabulary, settings);
        var watch = Stopwatch.StartNew();
        baseline.Train(reference.Vocabulary.Encode(train));
        double baselineSeconds = watch.Elapsed.TotalSeconds;
        var baselineVectors = new WordVectors(reference.Vocabulary.Words, settings.Dimensions, baseline.Input);
        var baselineOutput = new WordVectors(reference.Vocabulary.Words, settings.Dimensions, baseline.Output);
        var (baselineLoss, _) = HeldOutScore.Loss(reference.Vocabulary, reference.NoiseDistribution, baselineVectors, baselineOutput, heldOut, settings, ScoreSeed);
        Console.WriteLine($"baseline skip-gram + negative (scalar, 1 thread) [{Load()}]: {baselineSeconds:F2} s, held-out loss {baselineLoss:F4}");
    }

    /// <summary>"held-out loss L, spearman ρ (n pairs), analogies A (correct/answered)": whichever of the figures is known.</summary>
    private static string Quality(double? loss, WordVectors vectors, string? pairs, string? analogies)
    {
        var parts = new List<string>();
        parts.Add(loss is { } l ? $"held-out loss {l:F4}" : "held-out loss —");
        if (pairs is not null)
        {
            var score = vectors.EvaluateWordPairs(pairs);
            parts.Add(string.Create(CultureInfo.InvariantCulture, $"spearman {score.Spearman:0.000} ({score.Pairs} pairs, {score.OutOfVocabularyShare:0%} unknown)"));
        }
        if (analogies is not null)
        {
            var score = vectors.EvaluateWordAnalogies(analogies);
            parts.Add(string.Create(CultureInfo.InvariantCulture, $"analogies {score.Accuracy:0.000} ({score.Correct}/{score.Answered})"));
        }
        return string.Join(", ", parts);
    }

    /// <summary>The machine's 1-minute load average, for reading each figure against the load it was measured under.</summary>
    internal static string Load() => File.Exists("/proc/loadavg") ? "load " + File.ReadAllText("/proc/loadavg").Split(' ')[0] : "load unknown";

    private static double Median(List<double> values)
    {
        var sorted = values.Order().ToArray();
        return sorted.Length % 2 == 1 ? sorted[sorted.Length / 2] : (sorted[sorted.Length / 2 - 1] + sorted[sorted.Length / 2]) / 2;
    }

    /// <summary>The training tokens in a temporary file, one sentence of at most the sentence length per line; deleted on dispose.</summary>
    private sealed class CorpusFile : IDisposable
    {
        public CorpusFile(IReadOnlyList<string> tokens, int sentenceLength)
        {
            Path = System.IO.Path.Combine(Directory.CreateTempSubdirectory("latent-w2v-bench-").FullName, "brown-train.txt");
            using var writer = new StreamWriter(Path);
            for (int start = 0; start < tokens.Count; start += sentenceLength)
                writer.WriteLine(string.Join(' ', Enumerable.Range(start, Math.Min(sentenceLength, tokens.Count - start)).Select(i => tokens[i])));
        }

        /// <summary>The file's path.</summary>
        public string Path { get; }

        public void Dispose() => Directory.Delete(System.IO.Path.GetDirectoryName(Path)!, recursive: true);
    }

    /// <summary>The built `latent` executable, run as a user runs it.</summary>
    internal sealed class LatentProcess(string path)
    {
        /// <summary>The executable's path.</summary>
        public string Path { get; } = path;

        /// <summary>
        /// <paramref name="given"/>, or the Release (then Debug) build of src/Latent.Cli in the repository this benchmark runs from;
        /// null with the reason in <paramref name="why"/> when there is none.
        /// </summary>
        public static LatentProcess? Find(string? given, out string why)
        {
            why = "";
            if (given is not null) return File.Exists(given) ? new LatentProcess(given) : throw new LatentException($"{given}: no such executable");
            for (var dir = new DirectoryInfo(AppContext.BaseDirectory); dir is not null; dir = dir.Parent)
            {
                if (!File.Exists(System.IO.Path.Combine(dir.FullName, "Latent.slnx"))) continue;
                foreach (var configuration in new[] { "Release", "Debug" })
                {
                    var candidate = System.IO.Path.Combine(dir.FullName, "src", "Latent.Cli", "bin", configuration, "net10.0", "linux-x64", "latent");
                    if (File.Exists(candidate)) return new LatentProcess(candidate);
                }
                break;
            }
            why = "no built latent executable found (dotnet build src/Latent.Cli -c Release, or give --latent PATH)";
            return null;
        }

        /// <summary>Runs `latent word2vec train` on <paramref name="corpus"/> in the mode and settings of <paramref name="options"/> (into <paramref name="folder"/>, by default beside the corpus); returns the process's wall seconds and its output folder.</summary>
        public (double Seconds, string Folder) Train(string corpus, Word2VecOptions options, string? folder = null)
        {
            folder ??= System.IO.Path.Combine(System.IO.Path.GetDirectoryName(corpus)!, $"{options.Model}-{options.Loss}");
            if (Directory.Exists(folder)) Directory.Delete(folder, recursive: true);
            string[] arguments = ["word2vec", "train", "--corpus", corpus, "--out", folder, "--model", options.Model, "--loss", options.Loss,
                "--threads", options.Threads.ToString(CultureInfo.InvariantCulture), "--cbow-mean", options.CbowMean ? "1" : "0"];
            var clock = Stopwatch.StartNew();
            var (code, text) = GensimWord2Vec.RunProcess(Path, arguments);
            double seconds = clock.Elapsed.TotalSeconds;
            if (code != 0) throw new LatentException($"latent word2vec train failed (exit {code}): {text.Trim().Split('\n')[^1]}");
            return (seconds, folder);
        }
    }
}
