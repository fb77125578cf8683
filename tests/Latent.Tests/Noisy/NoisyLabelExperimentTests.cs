using Latent.Cli;
using Latent.Data;
using Latent.Noisy;
using static TorchSharp.torch;

namespace Latent.Tests.Noisy;

public sealed class NoisyLabelExperimentTests
{
    /// <summary>The options these tests were written against (the library's defaults before the CLI's became the defaults), so their assertions keep their meaning.</summary>
    private static readonly NoisyTrainingOptions Before = new(Epochs: 5, TransitionLearningRate: 1e-2, TransitionOptimizer: "adam", TraceWeight: 0, FrozenEpochs: 0,
        Initialization: TransitionInitialization.Identity, Architecture: "mlp", Seed: 1, ValidationFraction: 0);

    public NoisyLabelExperimentTests() => LatentRuntime.Initialize();

    /// <summary>A tiny separable 10-class problem: class k lights up pixel block k.</summary>
    private static (Tensor Images, Tensor Labels) Blocks(int count, long seed)
    {
        var generator = new Generator((ulong)seed);
        var labels = arange(count, dtype: ScalarType.Int64).remainder(10);
        var images = rand(new long[] { count, 784 }, generator: generator) * 0.1f;
        for (int k = 0; k < 10; k++)
            images.index_put_(1.0f, labels.eq(k).nonzero().squeeze(1).unsqueeze(1), arange(k * 70, k * 70 + 70, dtype: ScalarType.Int64).unsqueeze(0));
        return (images, labels);
    }

    /// <summary>
    /// An experiment on <paramref name="count"/> Blocks images (seed <paramref name="seed"/>) with symmetric noise of <paramref name="rate"/>,
    /// tested on <paramref name="testCount"/> fresh Blocks images (seed + 1; noise seed + 2), or on the clean training images when 0 (noise seed + 1).
    /// </summary>
    private static NoisyLabelExperiment Experiment(int count, long seed, double rate, int testCount = 0)
    {
        var (images, labels) = Blocks(count, seed);
        var (testImages, testLabels) = testCount > 0 ? Blocks(testCount, seed + 1) : (images, labels);
        var truth = LabelNoise.Symmetric(10, rate);
        var noisy = LabelNoise.Inject(labels, truth, new Generator((ulong)(seed + (testCount > 0 ? 2 : 1))));
        return new NoisyLabelExperiment(images, noisy, testImages, testLabels, truth);
    }

    [Theory]
    [InlineData(NoiseModel.Project, "sgd")]
    [InlineData(NoiseModel.Softmax, "adam")]
    public void LearnedQStaysColumnStochasticAndTheClassifierLearns(NoiseModel model, string optimizer)
    {
        var experiment = Experiment(600, 1, 0.3, testCount: 200);
        var result = experiment.Run(model, Before with { Epochs = 3, BatchSize = 50, TransitionOptimizer = optimizer,
            TransitionLearningRate = optimizer == "sgd" ? 0.05 : 0.02, TraceWeight = 0.05, Architecture = "mlp", Seed = 4 });
        Assert.Equal(3, result.Epochs.Count);
        Assert.All(result.Epochs, e => Assert.True(e.MaxColumnSumError < 1e-5 && e.MinEntry >= 0));
        Assert.True(result.FinalAccuracy > 0.9, $"clean accuracy {result.FinalAccuracy}");
        for (int j = 0; j < 10; j++)
            Assert.Equal(1.0, Enumerable.Range(0, 10).Sum(i => result.Transition[i * 10 + j]), 1e-5);
    }

    [Fact]
    public void NoisyValidationKeepsTheEpochWithTheLowestHeldOutLossAndItsQ()
    {
        var experiment = Experiment(600, 7, 0.4, testCount: 200);
        var options = Before with { Epochs = 6, BatchSize = 50, TransitionOptimizer = "sgd", TransitionLearningRate = 0.05,
            TraceWeight = 0.05, FrozenEpochs = 0, Architecture = "mlp", Seed = 10, ValidationFraction = 0.2 };
        var result = experiment.Run(NoiseModel.Project, options);

        Assert.All(result.Epochs, e => Assert.True(double.IsFinite(e.ValidationLoss) && e.ValidationLoss > 0, $"validation loss {e.ValidationLoss}"));
        var lowest = result.Epochs.MinBy(e => e.ValidationLoss)!;
        Assert.Equal(lowest.Epoch, result.SelectedEpoch);
        using var truth = LabelNoise.Symmetric(10, 0.4);
        var trueValues = truth.to(ScalarType.Float64).data<double>().ToArray();
        var returnedError = Enumerable.Range(0, 100).Max(k => Math.Abs(result.Transition[k] - trueValues[k]));
        Assert.Equal(lowest.MaxAbsErrorToTrue, returnedError, 1e-6);
        Assert.Equal(lowest.CleanTestAccuracy, result.SelectedAccuracy);

        var again = experiment.Run(NoiseModel.Project, options);
        Assert.Equal(result.Epochs.Select(e => e.ValidationLoss), again.Epochs.Select(e => e.ValidationLoss));
    }

    [Fact]
    public void AveragedRunsReturnAColumnStochasticAverageOfQ()
    {
        var experiment = Experiment(400, 16, 0.3);
        var options = Before with { Epochs = 3, BatchSize = 50, TransitionOptimizer = "sgd", TransitionLearningRate = 0.05, TraceWeight = 0.05,
            FrozenEpochs = 0, Architecture = "mlp", Seed = 18 };
        var raw = experiment.Run(NoiseModel.Project, options);
        var averaged = experiment.Run(NoiseModel.Project, options with { AverageDecay = 0.9 });

        Assert.All(Enumerable.Range(0, 10), j => Assert.Equal(1.0, Enumerable.Range(0, 10).Sum(i => averaged.Transition[i * 10 + j]), 5));
        Assert.All(averaged.Transition, q => Assert.True(q >= 0));
        Assert.NotEqual(raw.Transition, averaged.Transition);

        var frozen = experiment.Run(NoiseModel.Project, options with { AverageDecay = 0.9, FrozenEpochs = 3 });
        var initial = LabelNoise.Symmetric(10, options.InitialOffDiagonal).to(ScalarType.Float64).data<double>().ToArray();
        Assert.All(Enumerable.Range(0, 100), k => Assert.Equal(initial[k], frozen.Transition[k], 6));
    }

    [Fact]
    public void WithoutValidationTheLastEpochIsKept()
    {
        var experiment = Experiment(300, 11, 0.3);
        var result = experiment.Run(NoiseModel.None, Before with { Epochs = 2, BatchSize = 50, Architecture = "mlp" });
        Assert.Equal(2, result.SelectedEpoch);
        Assert.All(result.Epochs, e => Assert.True(double.IsNaN(e.ValidationLoss)));
        Assert.Throws<LatentException>(() => experiment.Run(NoiseModel.None, Before with { Epochs = 1, Architecture = "mlp", ValidationFraction = 1 }));
    }

    [Fact]
    public void WeightDecayReachesTheClassifiersOptimizer()
    {
        var experiment = Experiment(600, 13, 0.2, testCount: 200);
        var options = Before with { Epochs = 3, BatchSize = 50, Architecture = "mlp", Seed = 3 };
        var free = experiment.Run(NoiseModel.None, options);
        var crushed = experiment.Run(NoiseModel.None, options with { WeightDecay = 100 });
        Assert.True(free.FinalAccuracy > 0.9, $"without weight decay: clean accuracy {free.FinalAccuracy}");
        Assert.True(crushed.FinalAccuracy < 0.5, $"with an overwhelming weight decay: clean accuracy {crushed.FinalAccuracy}");
    }

    [Fact]
    public void ProjectionProbeIsRecordedOnlyForAdamOnAProjectedQ()
    {
        var experiment = Experiment(300, 5, 0.3);
        var adam = experiment.Run(NoiseModel.Project, Before with { Epochs = 1, BatchSize = 50, TransitionOptimizer = "adam", Architecture = "mlp" });
        var sgd = experiment.Run(NoiseModel.Project, Before with { Epochs = 1, BatchSize = 50, TransitionOptimizer = "sgd", Architecture = "mlp" });
        var probe = Assert.IsType<ProjectionProbe>(adam.Epochs[0].Projection);
        Assert.InRange(probe.MomentumOffSimplexShare, 0, 1 + 1e-9);
        Assert.InRange(probe.StepProjectionCosine, -1 - 1e-9, 1 + 1e-9);
        Assert.Null(sgd.Epochs[0].Projection);
    }

    [Fact]
    public void CommandRejectsBadNoiseWithExitCodeOne()
    {
        var output = Path.Combine(Path.GetTempPath(), $"latent-noisy-{Guid.NewGuid():N}");
        try
        {
            Assert.Equal(1, CliApp.Run(new[] { "noisy", "train", "--noise", "uniform:0.2", "--out", output }));
            Assert.Equal(2, CliApp.Run(new[] { "noisy", "train", "--q", "magic", "--out", output }));
            Assert.Equal(2, CliApp.Run(new[] { "noisy", "train", "--validation", "1", "--out", output }));
            Assert.Equal(2, CliApp.Run(new[] { "noisy", "train", "--ema", "1", "--out", output }));
            Assert.Equal(2, CliApp.Run(new[] { "noisy", "train", "--weight-decay", "-0.1", "--out", output }));
            Assert.Equal(2, CliApp.Run(new[] { "noisy", "train", "--trace-reg", "NaN", "--out", output }));
            Assert.Equal(2, CliApp.Run(new[] { "noisy", "train", "--q-init", "anchor", "--out", output }));
            Assert.Equal(1, CliApp.Run(new[] { "noisy", "train", "--q", "softmax", "--frozen-epochs", "0", "--examples", "100", "--out", output }));
        }
        finally
        {
            if (Directory.Exists(output)) Directory.Delete(output, true);
        }
    }
}
