using System.Diagnostics;
using Latent.Text;

namespace Latent.Bench;

/// <summary>
/// Where word2vec's time goes: counts the (input, output) pairs an epoch trains (from the subsampling probabilities and the mean
/// reduced window) and times, on one thread, each part of a pair's work on matrices of the fitted model's size, then compares
/// their sum with the measured wall time.
/// </summary>
internal static class Word2VecProfile
{
    private const int Pairs = 2_000_000;

    /// <summary>Prints the profile of a fit of <paramref name="model"/> on <paramref name="tokens"/> that took <paramref name="wallSeconds"/> (NaN: not measured).</summary>
    public static void Print(Word2Vec model, IReadOnlyList<string> tokens, double wallSeconds)
    {
        var settings = model.Options;
        var vocabulary = model.Vocabulary;
        var corpus = vocabulary.Encode(tokens);
        long total = vocabulary.TotalCount;
        double kept = corpus.Sum(w => Math.Min(1, FrequentWordSubsampler.KeepProbability(vocabulary.Counts[w], total, settings.Sample)));
        double meanWindow = (settings.Window + 1) / 2.0;
        double pairsPerEpoch = kept * 2 * meanWindow;
        double pairs = pairsPerEpoch * Word2VecOptions.Default.Epochs;

        int stride = model.Stride, v = vocabulary.Count;
        var random = new LinearCongruentialRandom(3);
        var input = new float[v * stride];
        var output = new float[v * stride];
        for (int i = 0; i < input.Length; i++) input[i] = output[i] = (random.NextUnit16() - 0.5f) / settings.Dimensions;
        var noise = model.NoiseDistribution;
        var subsampler = new FrequentWordSubsampler(vocabulary.Counts, settings.Sample);
        var rows = new int[Pairs];
        for (int i = 0; i < Pairs; i++) rows[i] = corpus[random.NextInt(corpus.Length)];
        var targets = new int[settings.Negative + 1];
        var gradient = new float[stride];

        double Time(Action<int> work)
        {
            var clock = Stopwatch.StartNew();
            for (int i = 0; i < Pairs; i++) work(i);
            return clock.Elapsed.TotalSeconds / Pairs;
        }
        double sample = Time(i =>
        {
            targets[0] = rows[i];
            for (int k = 1; k <= settings.Negative; k++) targets[k] = noise.Sample(ref random);
            random.NextInt(settings.Window);
        });
        float sink = 0;
        void Targets(int i)
        {
            targets[0] = rows[i];
            for (int k = 1; k <= settings.Negative; k++) targets[k] = rows[(i + 7919 * k) % Pairs];
        }
        double dots = Time(i =>
        {
            Targets(i);
            for (int k = 0; k <= settings.Negative; k++) sink += VectorMath.Dot(input, rows[i] * stride, output, targets[k] * stride, stride);
        });
        var outputRows = new OutputRows(output, stride);
        double step = Time(i =>
        {
            Targets(i);
            NegativeSampling.Step(input, rows[i] * stride, outputRows, targets, stride, 1e-4f, gradient);
        });
        double keep = Time(i => sink += subsampler.Keep(rows[i], ref random) ? 1 : 0);
        double perPair = sample + step;
        double predicted = (pairs * perPair + (double)corpus.Length * Word2VecOptions.Default.Epochs * keep) / settings.Threads;
        Console.WriteLine($"profile [{Word2VecBrownWorkload.Load()}] (one thread, {Pairs:N0} pairs each; rows of {stride} floats, {v:N0} words):");
        Console.WriteLine($"  pairs per epoch ≈ {pairsPerEpoch:N0} ({kept:N0} of {corpus.Length:N0} tokens kept by subsampling × 2 × mean window {meanWindow}); {pairs:N0} over {Word2VecOptions.Default.Epochs} epochs");
        Console.WriteLine($"  per pair: drawing {settings.Negative} noise words + window {sample * 1e9:F0} ns; NegativeSampling.Step ({settings.Negative + 1} dots + updates) {step * 1e9:F0} ns, " +
                          $"of which the {settings.Negative + 1} dots alone (same rows) {dots * 1e9:F0} ns; per token: subsampling draw {keep * 1e9:F1} ns");
        string measured = double.IsFinite(wallSeconds) ? $" vs measured {wallSeconds:F2} s (vocabulary build, Hogwild contention and the machine's other load make the difference)" : "";
        Console.WriteLine($"  predicted wall on {settings.Threads} threads = {predicted:F2} s (sampling {pairs * sample / settings.Threads:F2} s, step {pairs * step / settings.Threads:F2} s){measured}");
    }
}
