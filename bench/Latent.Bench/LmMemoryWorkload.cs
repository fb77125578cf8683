using System.Diagnostics;
using Latent.Text;
using TorchSharp;

namespace Latent.Bench;

/// <summary>
/// Resident memory over a long <c>lm train</c>: <see cref="LanguageModel.Fit"/> with the default options on the embedded Brown
/// corpus (Bengio split, validation perplexity and a checkpoint after every epoch), RSS and live TorchSharp tensors sampled
/// every few steps; passes when every sample after epoch 1 stays within 20% of the RSS at the end of epoch 1.
/// </summary>
public sealed class LmMemoryWorkload : IWorkload
{
    private const double AllowedGrowth = 0.20;

    /// <inheritdoc />
    public string Name => "lm-memory";

    /// <inheritdoc />
    public string Description => "RSS curve of `lm train` defaults on Brown over ≥ 3 epochs; flat within 20% after epoch 1? [--epochs 3] [--train-tokens N] [--validation-tokens N] [--min-count N] [--sample-every 50] [--threads N]";

    /// <inheritdoc />
    public void Run(string[] args)
    {
        Arguments.RejectUnknown(args, "--epochs", "--train-tokens", "--validation-tokens", "--min-count", "--sample-every", "--threads");
        Arguments.ApplyThreads(args);
        var defaults = LanguageModelOptions.Default;
        var options = defaults with
        {
            Epochs = Arguments.Int(args, "--epochs", 3),
            TrainTokens = Arguments.Text(args, "--train-tokens") is null ? null : Arguments.Int(args, "--train-tokens", 0),
            MinCount = Arguments.Int(args, "--min-count", defaults.MinCount),
        };
        if (options.Epochs < 3) throw new LatentException("--epochs must be ≥ 3: the verdict compares epochs 2 and later with epoch 1");
        int sampleEvery = Arguments.Int(args, "--sample-every", 50);
        var split = CorpusTokens.LoadSplit(null, defaults.ValidationFraction, defaults.TestFraction);
        var validation = split.Validation.Take(Arguments.Int(args, "--validation-tokens", split.Validation.Count)).ToList();
        var checkpointDirectory = Directory.CreateTempSubdirectory("latent-lm-memory-");
        try
        {
            Measure(options, split.Train, validation, sampleEvery, Path.Combine(checkpointDirectory.FullName, "checkpoint.pt"));
        }
        finally
        {
            checkpointDirectory.Delete(recursive: true);
        }
    }

    private static void Measure(LanguageModelOptions options, IReadOnlyList<string> train, IReadOnlyList<string> validation, int sampleEvery, string checkpoint)
    {
        var model = new LanguageModel(options);
        Console.WriteLine($"lm train defaults (embedding = hidden = {options.HiddenSize}, batch {options.BatchSize}, BPTT {options.Bptt}, min count {options.MinCount}), {options.Epochs} epochs of {Math.Min(train.Count, options.TrainTokens ?? int.MaxValue):N0} training tokens, validation on {validation.Count:N0} tokens after each, checkpoint each epoch; libtorch threads {torch.get_num_threads()}");
        Console.WriteLine($"before training: RSS {NativeHeap.ResidentMiB():F0} MiB");
        var samples = new List<(int Epoch, long Step, double Seconds, double RssMiB)>();
        var clock = Stopwatch.StartNew();
        int lastEpoch = 0;
        double firstEpochPeak = double.NaN;
        var curve = model.Fit(train, validation, p =>
        {
            bool epochStart = p.Epoch != lastEpoch;
            if (p.Step % sampleEvery != 0 && p.Step != 1 && !epochStart) return;
            if (epochStart) Console.WriteLine($"-- epoch {p.Epoch + 1} started (epoch {p.Epoch}'s validation and checkpoint done)");
            lastEpoch = p.Epoch;
            double rss = NativeHeap.ResidentMiB();
            if (p.Step == 1) ResetPeak();
            if (epochStart && p.Epoch == 1)
            {
                firstEpochPeak = NativeHeap.PeakResidentMiB();
                if (!ResetPeak()) firstEpochPeak = double.NaN;
            }
            samples.Add((p.Epoch + 1, p.Step, clock.Elapsed.TotalSeconds, rss));
            Console.WriteLine($"epoch {p.Epoch + 1} step {p.Step,6}/{p.TotalSteps}: {clock.Elapsed.TotalSeconds,6:F0} s, RSS {rss,7:F0} MiB, live tensors {DisposeScopeManager.Statistics.ThreadTotalLiveCount}, loss {p.Loss:F3}");
        });
        double final = NativeHeap.ResidentMiB();
        samples.Add((options.Epochs + 1, curve.Steps.Count, clock.Elapsed.TotalSeconds, final));
        Console.WriteLine($"after training: RSS {final:F0} MiB, {clock.Elapsed.TotalMinutes:F1} min; vocabulary {model.Vocabulary.Count:N0} words; validation perplexity by epoch {string.Join(", ", curve.Evaluations.Select(e => e.Value.ToString("F1")))}");
        for (int epoch = 1; epoch <= options.Epochs + 1; epoch++)
        {
            var inEpoch = samples.Where(s => s.Epoch == epoch).ToList();
            if (inEpoch.Count > 0) Console.WriteLine($"{(epoch <= options.Epochs ? $"epoch {epoch}" : "end"),-8}: RSS {inEpoch.Min(s => s.RssMiB):F0}–{inEpoch.Max(s => s.RssMiB):F0} MiB over {inEpoch.Count} samples");
        }
        double baseline = samples.First(s => s.Epoch == 2).RssMiB, highest = samples.Where(s => s.Epoch >= 2).Max(s => s.RssMiB);
        double laterPeak = NativeHeap.PeakResidentMiB();
        bool flat = highest <= baseline * (1 + AllowedGrowth) && !(laterPeak > firstEpochPeak * (1 + AllowedGrowth));
        Console.WriteLine($"sampled RSS: {baseline:F0} MiB at the end of epoch 1, at most {highest:F0} MiB later ({highest / baseline - 1:+0%;-0%}); peak RSS within steps (kernel's high-water mark): {firstEpochPeak:F0} MiB in epoch 1, {laterPeak:F0} MiB after ({laterPeak / firstEpochPeak - 1:+0%;-0%})");
        Console.WriteLine(flat ? "flat within 20% after epoch 1" : "NOT flat: grows more than 20% after epoch 1");
    }

    /// <summary>Resets the kernel's peak-RSS counter (VmHWM) so that the next reading is the peak since now; returns whether it could.</summary>
    private static bool ResetPeak()
    {
        try
        {
            File.WriteAllText("/proc/self/clear_refs", "5");
            return true;
        }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException)
        {
            return false;
        }
    }
}
