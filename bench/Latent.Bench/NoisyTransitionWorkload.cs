using System.Diagnostics;
using Latent.Data;
using Latent.Noisy;
using TorchSharp;
using static TorchSharp.torch;

namespace Latent.Bench;

/// <summary>
/// How close the learned Q (softmax and projected) and forward correction's estimated T come to the true T, at 3 and 10 MNIST classes
/// and 100 classes of synthetic Gaussian clusters, under symmetric and pair-flip noise, every option at its default (MLP). The
/// baseline beside each figure is the realised noise: max |T_realised − T|, the sampling error no estimator from these labels can beat.
/// </summary>
public sealed class NoisyTransitionWorkload : IWorkload
{
    /// <inheritdoc />
    public string Name => "noisy-transition";

    /// <inheritdoc />
    public string Description => "max |Q − T| of softmax Q, projected Q and forward's estimated T at 3/10 MNIST classes and 100 synthetic classes, beside the realised noise's own error "
        + "[--classes 3,10,100] [--noise symmetric:0.2,...] [--models softmax,project,forward] [--examples N] [--per-class N] [--epochs N] [--frozen-epochs N] [--estimation-epochs N] [--trace-reg W] [--q-lr R] [--ema D] [--seed N] [--verbose 1] [--threads N]";

    /// <inheritdoc />
    public void Run(string[] args)
    {
        Arguments.RejectUnknown(args, "--classes", "--noise", "--models", "--examples", "--per-class", "--epochs", "--frozen-epochs", "--estimation-epochs", "--trace-reg", "--q-lr", "--ema", "--seed", "--verbose", "--threads");
        Arguments.ApplyThreads(args);
        var classCounts = (Arguments.Text(args, "--classes") ?? "3,10,100").Split(',').Select(int.Parse).ToArray();
        var noises = (Arguments.Text(args, "--noise") ?? "symmetric:0.2,symmetric:0.45,pairflip:0.2,pairflip:0.45").Split(',');
        var models = (Arguments.Text(args, "--models") ?? "softmax,project,forward").Split(',').Select(name => NoiseModels.Registry[name]).ToArray();
        int examples = Arguments.Int(args, "--examples", 10_000);
        // The realised noise of a synthetic class is a binomial share: under 45% noise its sd is sqrt(0.45 · 0.55 / n), and the max over 100
        // classes is about 2.8 sd. With 1000 examples a class that max was 0.043 on average (0.055 in 5% of draws), too close to the 0.05
        // the learned Q is asked to reach for any estimator to show it; with 5000 it is 0.020 on average and under 0.025 in 95% of draws.
        int perClass = Arguments.Int(args, "--per-class", 5000);
        int seed = Arguments.Int(args, "--seed", 1) - 1;
        bool verbose = Arguments.Text(args, "--verbose") is not null;
        var options = NoisyTrainingOptions.Default with { Architecture = "mlp", Seed = seed };
        options = options with
        {
            Epochs = Arguments.Int(args, "--epochs", options.Epochs),
            FrozenEpochs = Arguments.Int(args, "--frozen-epochs", options.FrozenEpochs),
            EstimationEpochs = Arguments.Int(args, "--estimation-epochs", options.EstimationEpochs),
            TraceWeight = Arguments.Text(args, "--trace-reg") is null ? options.TraceWeight : Arguments.Double(args, "--trace-reg", 0),
            TransitionLearningRate = Arguments.Text(args, "--q-lr") is null ? options.TransitionLearningRate : Arguments.Double(args, "--q-lr", 0),
            AverageDecay = Arguments.Text(args, "--ema") is null ? options.AverageDecay : Arguments.Double(args, "--ema", 0),
        };
        Console.WriteLine($"MLP, {options.Epochs} epochs, frozen {options.FrozenEpochs}, estimation {options.EstimationEpochs}, trace weight {options.TraceWeight?.ToString() ?? "0.03/C"}, every other option at its default; MNIST: first {examples} training images of the classes; synthetic: {perClass} per class");
        Console.WriteLine($"| classes | noise | realised | {string.Join(" | ", models.Select(NoiseModels.NameOf))} | clean accuracy ({string.Join(", ", models.Select(NoiseModels.NameOf))}) | seconds |");
        Console.WriteLine($"|---|---|---|{string.Concat(models.Select(_ => "---|"))}---|---|");
        foreach (int classes in classCounts)
        {
            var (trainFeatures, trainLabels, testFeatures, testLabels) = classes <= 10 ? Mnist(classes, examples) : Clusters(classes, perClass, seed);
            foreach (var noise in noises)
            {
                var clock = Stopwatch.StartNew();
                using var truth = LabelNoise.Parse(noise, classes);
                using var noisy = LabelNoise.Inject(trainLabels, truth, new Generator((ulong)seed));
                using var realised = LabelNoise.Realised(trainLabels, noisy, classes);
                double realisedError = (realised - truth).abs().max().item<double>();
                var experiment = new NoisyLabelExperiment(trainFeatures, noisy, testFeatures, testLabels, truth);
                var errors = new List<double>();
                var accuracies = new List<double>();
                foreach (var model in models)
                {
                    var result = experiment.Run(model, options with { Model = model });
                    errors.Add(result.Transition.Zip(result.TrueTransition!, (q, t) => Math.Abs(q - t)).Max());
                    accuracies.Add(result.SelectedAccuracy);
                    if (verbose)
                        Console.WriteLine($"  {NoiseModels.NameOf(model)}: max |Q − T| by epoch {string.Join(" ", result.Epochs.Select(e => e.MaxAbsErrorToTrue.ToString("0.000")))}, clean accuracy {string.Join(" ", result.Epochs.Select(e => e.CleanTestAccuracy.ToString("0.000")))}, selected epoch {result.SelectedEpoch}");
                }
                Console.WriteLine($"| {classes} | {noise} | {realisedError:0.000} | {string.Join(" | ", errors.Select(e => e.ToString("0.000")))} | {string.Join(", ", accuracies.Select(a => a.ToString("0.000")))} | {clock.Elapsed.TotalSeconds:0} |");
            }
        }
    }

    /// <summary>The first <paramref name="examples"/> training images of MNIST's first <paramref name="classes"/> digits, standardised as the CLI loads them, and their test images.</summary>
    private static (Tensor, Tensor, Tensor, Tensor) Mnist(int classes, int examples)
    {
        var mnist = DatasetLoader.EmbeddedMnist();
        var kept = classes < mnist.ClassCount ? mnist.FirstClasses(classes) : mnist;
        var train = kept.Train.Take(examples);
        return (train.Features, train.RequireLabels("noisy bench"), kept.Test.Features, kept.Test.RequireLabels("noisy bench"));
    }

    /// <summary>
    /// <paramref name="classes"/> Gaussian clusters in 32 dimensions: unit-variance noise around means drawn from N(0, 3² I), far enough
    /// apart that a clean classifier is nearly exact, so the noise, not the classes' overlap, limits the estimate; <paramref name="perClass"/>
    /// training and 50 test examples per class.
    /// </summary>
    private static (Tensor, Tensor, Tensor, Tensor) Clusters(int classes, int perClass, int seed)
    {
        var generator = new Generator((ulong)seed + 1000);
        var means = randn(classes, 32, generator: generator) * 3;
        (Tensor, Tensor) Sample(int count)
        {
            var labels = arange(classes, dtype: ScalarType.Int64).repeat_interleave(count);
            return (means.index_select(0, labels) + randn(labels.shape[0], 32, generator: generator), labels);
        }
        var (trainFeatures, trainLabels) = Sample(perClass);
        var (testFeatures, testLabels) = Sample(50);
        return (trainFeatures, trainLabels, testFeatures, testLabels);
    }
}
