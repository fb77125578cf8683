using System.Diagnostics;
using Latent.Data;
using Latent.Text;

namespace Latent.Bench;

/// <summary>Skip-gram word2vec on the lowercased Brown corpus with word2vec.c defaults, 2 threads, 5 epochs, beside a scalar one-thread baseline.</summary>
public sealed class Word2VecBrownWorkload : IWorkload
{
    private const double GensimSeconds = 15.5;
    private const double Word2VecCSeconds = 28.0;
    private const double TargetSeconds = 12.0;
    private static readonly string[] Probes = ["money", "president", "church", "water", "war", "said", "three", "black"];

    /// <inheritdoc />
    public string Name => "word2vec-brown";

    /// <inheritdoc />
    public string Description => "skip-gram on Brown (1.16M words, 5 epochs, 2 threads) vs a scalar 1-thread baseline; --no-baseline skips it";

    /// <inheritdoc />
    public void Run(string[] args)
    {
        var tokens = BrownCorpus.LoadEmbedded().Words.Select(w => w.ToLowerInvariant()).ToList();
        var settings = new Word2VecOptions();
        Console.WriteLine($"corpus: Brown, {tokens.Count:N0} tokens, lowercased; d={settings.Dimensions} window={settings.Window} min_count={settings.MinCount} negative={settings.Negative} sample={settings.Sample} epochs={settings.Epochs} threads={settings.Threads}");

        var clock = Stopwatch.StartNew();
        var model = new Word2Vec(settings).Fit(tokens);
        double seconds = clock.Elapsed.TotalSeconds;
        Console.WriteLine($"Latent word2vec: {seconds:F2} s wall (vocabulary build included), {model.WordsPerSecond:N0} words/s, vocabulary {model.Vocabulary.Count:N0}");
        Console.WriteLine($"  target ≤ {TargetSeconds} s: {(seconds <= TargetSeconds ? "met" : "NOT met")}; published on this machine: gensim 4.2 ≈ {GensimSeconds} s ({GensimSeconds / seconds:F2}× Latent's time), word2vec.c ≈ {Word2VecCSeconds} s ({Word2VecCSeconds / seconds:F2}×)");
        var vectors = model.Vectors;
        foreach (var probe in Probes.Where(vectors.Contains))
            Console.WriteLine($"  {probe,-10} → {string.Join(", ", vectors.MostSimilar(probe, 5).Select(n => $"{n.Word} ({n.Similarity:F2})"))}");

        int split = tokens.Count * 95 / 100;
        var heldOut = tokens.GetRange(split, tokens.Count - split);
        var train = tokens.GetRange(0, split);
        Console.WriteLine($"held-out check: train on the first 95% ({train.Count:N0} tokens), negative-sampling loss per pair on the last 5% (a random model scores 6·ln 2 = {6 * Math.Log(2):F3})");
        clock.Restart();
        var heldOutModel = new Word2Vec(settings).Fit(train);
        double latentSeconds = clock.Elapsed.TotalSeconds;
        Console.WriteLine($"  Latent (SIMD, {settings.Threads} threads): {latentSeconds:F2} s, held-out loss {heldOutModel.HeldOutLoss(heldOut, 7):F4}");
        if (args.Contains("--no-baseline")) return;

        var baseline = new ScalarSkipGram(heldOutModel.Vocabulary, settings);
        clock.Restart();
        baseline.Train(heldOutModel.Vocabulary.Encode(train));
        double baselineSeconds = clock.Elapsed.TotalSeconds;
        var baselineVectors = new WordVectors(heldOutModel.Vocabulary.Words, settings.Dimensions, baseline.Input);
        Console.WriteLine($"  baseline (scalar, 1 thread): {baselineSeconds:F2} s; Latent is {baselineSeconds / latentSeconds:F2}× faster");
        foreach (var probe in Probes.Take(3).Where(baselineVectors.Contains))
            Console.WriteLine($"  baseline {probe,-10} → {string.Join(", ", baselineVectors.MostSimilar(probe, 5).Select(n => n.Word))}");
    }
}
