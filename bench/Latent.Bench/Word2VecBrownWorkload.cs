using System.Diagnostics;
using Latent.Data;
using Latent.Text;

namespace Latent.Bench;

/// <summary>
/// Skip-gram word2vec on the lowercased Brown corpus with word2vec.c defaults (2 threads, 5 epochs): Latent beside gensim (Debian's
/// python3-gensim, when installed) trained on the same tokens in the same run, rounds alternating, each scored by the same held-out
/// negative-sampling loss; a per-pair profile of the training kernel; and optionally a scalar one-thread baseline.
/// </summary>
public sealed class Word2VecBrownWorkload : IWorkload
{
    private const double TargetRatio = 0.5;
    private const ulong ScoreSeed = 7;
    private static readonly string[] Probes = ["money", "president", "church", "water", "war", "said", "three", "black"];

    /// <inheritdoc />
    public string Name => "word2vec-brown";

    /// <inheritdoc />
    public string Description => "skip-gram on Brown (95% train, 5 epochs, 2 threads): Latent vs gensim in the same run, held-out loss of both [--rounds 2] [--threads 2] [--baseline] [--profile-only]";

    /// <inheritdoc />
    public void Run(string[] args)
    {
        Arguments.RejectUnknown(args, "--rounds", "--baseline", "--profile-only", "--threads");
        int rounds = Arguments.Int(args, "--rounds", 2);
        var tokens = BrownCorpus.LoadEmbedded().Words.Select(w => w.ToLowerInvariant()).ToList();
        var settings = new Word2VecOptions { Threads = Arguments.Int(args, "--threads", Word2VecOptions.Default.Threads) };
        int split = tokens.Count * 95 / 100;
        var heldOut = tokens.GetRange(split, tokens.Count - split);
        var train = tokens.GetRange(0, split);
        Console.WriteLine($"corpus: Brown, lowercased; train on the first 95% ({train.Count:N0} tokens), score on the last 5% ({heldOut.Count:N0}); " +
                          $"d={settings.Dimensions} window={settings.Window} min_count={settings.MinCount} negative={settings.Negative} sample={settings.Sample} epochs={settings.Epochs} threads={settings.Threads}");
        Console.WriteLine($"quality: mean negative-sampling loss per held-out pair, same noise words for both vector sets (a random model scores 6·ln 2 = {6 * Math.Log(2):F3}; lower is better)");
        if (args.Contains("--profile-only"))
        {
            Word2VecProfile.Print(new Word2Vec(settings with { Epochs = 1 }).Fit(train), train, double.NaN);
            return;
        }
        var gensim = GensimWord2Vec.Find(out string why);
        Console.WriteLine(gensim is null ? $"gensim: not measured: {why}" : $"gensim {gensim.Version}: measured in this run, rounds alternating with Latent");

        Word2Vec? model = null;
        var latentTimes = new List<double>();
        var gensimTimes = new List<double>();
        for (int round = 1; round <= rounds; round++)
        {
            var clock = Stopwatch.StartNew();
            model = new Word2Vec(settings).Fit(train);
            latentTimes.Add(clock.Elapsed.TotalSeconds);
            var (latentLoss, _) = HeldOutScore.Loss(model.Vocabulary, model.NoiseDistribution, model.Vectors, model.OutputVectors, heldOut, settings, ScoreSeed);
            string line = $"round {round} [{Load()}]: Latent {latentTimes[^1]:F2} s ({model.WordsPerSecond:N0} words/s), held-out loss {latentLoss:F4}";
            if (gensim is not null)
            {
                var (seconds, input, output) = gensim.Train(train, settings);
                gensimTimes.Add(seconds);
                var (gensimLoss, missing) = HeldOutScore.Loss(model.Vocabulary, model.NoiseDistribution, input, output, heldOut, settings, ScoreSeed);
                line += $"; gensim {seconds:F2} s, held-out loss {gensimLoss:F4}{(missing > 0 ? $" ({missing} words without a gensim vector)" : "")}; Latent/gensim time {latentTimes[^1] / seconds:F2}";
            }
            Console.WriteLine(line);
        }
        if (gensimTimes.Count > 0)
        {
            double ratio = Median(latentTimes) / Median(gensimTimes);
            Console.WriteLine($"median: Latent {Median(latentTimes):F2} s, gensim {Median(gensimTimes):F2} s, ratio {ratio:F2} (target ≤ {TargetRatio}: {(ratio <= TargetRatio ? "met" : "NOT met")})");
        }
        foreach (var probe in Probes.Where(model!.Vectors.Contains))
            Console.WriteLine($"  {probe,-10} → {string.Join(", ", model.Vectors.MostSimilar(probe, 5).Select(n => $"{n.Word} ({n.Similarity:F2})"))}");
        Word2VecProfile.Print(model, train, latentTimes.Min());
        if (!args.Contains("--baseline")) return;

        var baseline = new ScalarSkipGram(model.Vocabulary, settings);
        var watch = Stopwatch.StartNew();
        baseline.Train(model.Vocabulary.Encode(train));
        double baselineSeconds = watch.Elapsed.TotalSeconds;
        var baselineVectors = new WordVectors(model.Vocabulary.Words, settings.Dimensions, baseline.Input);
        var baselineOutput = new WordVectors(model.Vocabulary.Words, settings.Dimensions, baseline.Output);
        var (baselineLoss, _) = HeldOutScore.Loss(model.Vocabulary, model.NoiseDistribution, baselineVectors, baselineOutput, heldOut, settings, ScoreSeed);
        Console.WriteLine($"baseline (scalar, 1 thread) [{Load()}]: {baselineSeconds:F2} s, held-out loss {baselineLoss:F4}");
    }

    /// <summary>The machine's 1-minute load average, for reading each figure against the load it was measured under.</summary>
    internal static string Load() => File.Exists("/proc/loadavg") ? "load " + File.ReadAllText("/proc/loadavg").Split(' ')[0] : "load unknown";

    private static double Median(List<double> values)
    {
        var sorted = values.Order().ToArray();
        return sorted.Length % 2 == 1 ? sorted[sorted.Length / 2] : (sorted[sorted.Length / 2 - 1] + sorted[sorted.Length / 2]) / 2;
    }
}
