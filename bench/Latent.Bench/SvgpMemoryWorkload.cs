using System.Diagnostics;
using Latent.Data;
using Latent.Gp;
using TorchSharp;

namespace Latent.Bench;

/// <summary>
/// Resident memory over a long <c>svgp train</c>: <see cref="SvgpClassifier.Fit"/> with the default options but 20,000 steps on
/// the embedded MNIST training set, RSS and live TorchSharp tensors sampled every few hundred steps; passes when every sample
/// after the first tenth of the run stays within 20% of the RSS at that point.
/// </summary>
public sealed class SvgpMemoryWorkload : IWorkload
{
    private const double AllowedGrowth = 0.20;

    /// <inheritdoc />
    public string Name => "svgp-memory";

    /// <inheritdoc />
    public string Description => "RSS curve of a 20,000-step `svgp train` (defaults, MNIST); flat within 20% after the first tenth? [--iterations 20000] [--sample-every 500] [--threads N]";

    /// <inheritdoc />
    public void Run(string[] args)
    {
        Arguments.RejectUnknown(args, "--iterations", "--sample-every", "--threads");
        Arguments.ApplyThreads(args);
        var options = SvgpClassifierOptions.Default with { Iterations = Arguments.Int(args, "--iterations", 20_000) };
        int sampleEvery = Arguments.Int(args, "--sample-every", 500);
        var data = DatasetLoader.EmbeddedMnist();
        using var classifier = new SvgpClassifier(options);
        Console.WriteLine($"svgp train defaults ({options.Kernel}, inducing {options.Inducing}, batch {options.BatchSize}, {options.Likelihood}) for {options.Iterations:N0} steps on {data.Train.Count:N0} MNIST examples; libtorch threads {torch.get_num_threads()}");
        Console.WriteLine($"before training: RSS {NativeHeap.ResidentMiB():F0} MiB");
        var samples = new List<(long Step, double RssMiB)>();
        var clock = Stopwatch.StartNew();
        classifier.Fit(data, p =>
        {
            if (p.Step % sampleEvery != 0 && p.Step != 1) return;
            double rss = NativeHeap.ResidentMiB();
            samples.Add((p.Step, rss));
            Console.WriteLine($"step {p.Step,6}/{p.TotalSteps}: {clock.Elapsed.TotalSeconds,6:F0} s, RSS {rss,7:F0} MiB, live tensors {DisposeScopeManager.Statistics.ThreadTotalLiveCount}, −ELBO/N {p.Loss:F4}");
        });
        samples.Add((classifier.StepsTaken, NativeHeap.ResidentMiB()));
        Console.WriteLine($"after training: RSS {samples[^1].RssMiB:F0} MiB, peak {NativeHeap.PeakResidentMiB():F0} MiB, {clock.Elapsed.TotalMinutes:F1} min");
        long settled = options.Iterations / 10;
        var baseline = samples.First(s => s.Step >= settled);
        double worst = samples.Where(s => s.Step >= settled).Max(s => s.RssMiB);
        Console.WriteLine($"RSS at step {baseline.Step} {baseline.RssMiB:F0} MiB, highest later {worst:F0} MiB ({worst / baseline.RssMiB - 1:+0%;-0%}): {(worst <= baseline.RssMiB * (1 + AllowedGrowth) ? "flat within 20%" : "NOT flat: grows more than 20% after the first tenth")}");
    }
}
