using System.Text;
using Latent.Nn;
using Latent.Tests.Noisy;
using Latent.Training;
using TorchSharp;
using static TorchSharp.torch;

namespace Latent.Tests.Training;

/// <summary>
/// Early stopping in the one trainer: with a scripted validation figure the run stops after exactly patience epochs without
/// improvement, ends with the weights (or averaged weights) of the best epoch, and a resumed run keeps counting where the stopped one was.
/// </summary>
public sealed class EarlyStoppingTests : TorchTest, IDisposable
{
    /// <summary>The scripted figure after epochs 1…6: best 3 at epoch 2, then no improvement until epoch 5.</summary>
    private static readonly double[] Figures = [5, 3, 4, 4.5, 1, 0.5];

    private readonly string dir = Directory.CreateTempSubdirectory("latent-early-").FullName;
    private readonly int threads = get_num_threads();
    private readonly Tensor inputs;
    private readonly Tensor targets;

    /// <summary>Regression data on one libtorch thread (one reduction order, so resumed weights are bit-identical).</summary>
    public EarlyStoppingTests()
    {
        set_num_threads(1);
        using var generator = new Generator(7);
        inputs = randn(new long[] { 40, 4 }, generator: generator);
        targets = inputs.mm(randn(new long[] { 4, 2 }, generator: generator));
    }

    /// <summary>Restores the thread count and removes the checkpoints.</summary>
    public void Dispose()
    {
        set_num_threads(threads);
        Directory.Delete(dir, true);
    }

    /// <summary>A run of up to 6 epochs of 4 steps that watches <see cref="Figures"/>; <paramref name="seen"/> gets a copy of the weights each validation sees.</summary>
    private (Trainer Trainer, Mlp Model) Setup(TrainerOptions options, List<float[]> seen, Action<TrainingProgress>? progress = null)
    {
        RunSeed.Apply(11);
        var model = new Mlp([4, 8, 2]);
        int epoch = 0;
        var trainer = new Trainer(model, OptimizerSettings.Adam(1e-2), options with { Epochs = 6, BatchSize = 10, Seed = 2 })
        {
            BeforeEpoch = index => epoch = index + 1,
            Validate = () =>
            {
                seen.Add(Weights(model));
                return Figures[epoch - 1];
            },
            ValidationName = "scripted loss",
            Progress = progress,
        };
        return (trainer, model);
    }

    private LearningCurve Fit(Trainer trainer, Mlp model) =>
        trainer.Fit(40, batch => (model.forward(inputs.index_select(0, batch)) - targets.index_select(0, batch)).square().mean());

    private static float[] Weights(nn.Module model) => model.parameters().SelectMany(p => p.detach().cpu().data<float>().ToArray()).ToArray();

    [Theory]
    [InlineData(false)]
    [InlineData(true)]
    public void StopsAfterPatienceEpochsWithoutImprovementWithTheBestEpochsWeights(bool averaged)
    {
        var seen = new List<float[]>();
        var (trainer, model) = Setup(new TrainerOptions { Patience = 2, AverageDecay = averaged ? 0.9 : null }, seen);
        var curve = Fit(trainer, model);

        // Best at epoch 2; epochs 3 and 4 do not improve on it, so epoch 5 never runs.
        Assert.Equal(4, curve.Epochs.Count);
        Assert.Equal(16, curve.Steps.Count);
        Assert.Equal(4, seen.Count);
        Assert.Equal(seen[1], Weights(model));
        Assert.NotEqual(seen[3], Weights(model));
        var stop = curve.EarlyStop!;
        Assert.Equal(new EarlyStop("scripted loss", 2, 2, 3.0, 4, true), stop);
        Assert.Equal(4, stop.StoppedAtEpoch);
        Assert.Equal("stopped early after epoch 4: the validation scripted loss had not improved for 2 epochs; the model holds epoch 2's weights (validation scripted loss 3)", stop.Describe());
        var metrics = curve.WithStopMetrics(new Dictionary<string, double> { ["test_accuracy"] = 0.5 });
        Assert.Equal(4.0, metrics[EarlyStop.MetricName]);
        Assert.Equal(0.5, metrics["test_accuracy"]);
    }

    [Fact]
    public void WithoutPatienceRunsEveryEpochAndKeepsTheLastWeights()
    {
        var seen = new List<float[]>();
        var (trainer, model) = Setup(new TrainerOptions(), seen);
        var curve = Fit(trainer, model);
        Assert.Equal(6, curve.Epochs.Count);
        Assert.Empty(seen);
        Assert.Null(curve.EarlyStop);
    }

    [Fact]
    public void APatienceLongerThanTheRunKeepsTheBestWeightsWithoutStopping()
    {
        var seen = new List<float[]>();
        var (trainer, model) = Setup(new TrainerOptions { Patience = 5 }, seen);
        var curve = Fit(trainer, model);
        Assert.Equal(6, curve.Epochs.Count);
        Assert.Equal(seen[5], Weights(model));
        Assert.False(curve.EarlyStop!.Stopped);
        Assert.Null(curve.EarlyStop.Describe());
        Assert.False(curve.WithStopMetrics(new Dictionary<string, double>()).ContainsKey(EarlyStop.MetricName));
    }

    [Fact]
    public void AResumedRunKeepsThePatienceCounterAndReachesTheSameWeights()
    {
        var checkpoint = Path.Combine(dir, "checkpoint.bin");
        var straightSeen = new List<float[]>();
        var (straightTrainer, straightModel) = Setup(new TrainerOptions { Patience = 2 }, straightSeen);
        var expected = Fit(straightTrainer, straightModel);

        // Interrupted after epoch 3, one epoch without improvement counted; a fresh counter would run on to epoch 6.
        using var stop = new CancellationTokenSource();
        var (first, firstModel) = Setup(new TrainerOptions { Patience = 2, CheckpointPath = checkpoint, Stop = stop.Token }, [], p => { if (p.Step == 12) stop.Cancel(); });
        Assert.Throws<TrainingInterruptedException>(() => Fit(first, firstModel));
        var (resumed, resumedModel) = Setup(new TrainerOptions { Patience = 2, CheckpointPath = checkpoint, Resume = true }, []);
        var curve = Fit(resumed, resumedModel);
        Assert.Equal(expected.EarlyStop, curve.EarlyStop);
        Assert.Equal(expected.Steps, curve.Steps);
        Assert.Equal(Weights(straightModel), Weights(resumedModel));

        // Resuming the finished run trains nothing more and reports the same stop, with the best weights.
        var (again, againModel) = Setup(new TrainerOptions { Patience = 2, CheckpointPath = checkpoint, Resume = true }, []);
        var repeated = Fit(again, againModel);
        Assert.Equal(expected.EarlyStop, repeated.EarlyStop);
        Assert.Equal(Weights(straightModel), Weights(againModel));
    }

    [Fact]
    public void AnMlpWithPatienceInterruptedMidEpochResumesToTheSameStopAndWeights()
    {
        using var data = NoisyClassifierTests.Separable(3, images: false);
        // A learning rate of 0.5 makes the validation loss bounce, so one epoch of patience stops the run long before 30 epochs.
        var options = MlpClassifierOptions.Default with { Hidden = [8], Epochs = 30, BatchSize = 25, LearningRate = 0.5, Seed = 5, Patience = 1 };
        var checkpoint = Path.Combine(dir, "mlp.bin");
        using var straight = MlpClassifier.For(data, options);
        var expected = straight.Fit(data);
        Assert.True(expected.EarlyStop!.Stopped, $"ran all {expected.Epochs.Count} epochs");
        Assert.Equal(expected.EarlyStop.EpochsRun, expected.Epochs.Count);

        using var stop = new CancellationTokenSource();
        using (var first = MlpClassifier.For(data, options))
            Assert.Throws<TrainingInterruptedException>(() => first.Fit(data, p => { if (p.Step == 9) stop.Cancel(); }, checkpoint, stop: stop.Token));
        using var resumed = MlpClassifier.For(data, options);
        var curve = resumed.Fit(data, checkpointPath: checkpoint, resume: true);
        Assert.Equal(expected.EarlyStop, curve.EarlyStop);
        Assert.Equal(expected.Steps, curve.Steps);
        Assert.Equal(Weights(straight.Network), Weights(resumed.Network));
    }

    [Fact]
    public void ACheckpointWithoutEarlyStoppingOrFromAnOlderVersionIsRefusedInOneLine()
    {
        var checkpoint = Path.Combine(dir, "checkpoint.bin");
        var (plain, plainModel) = Setup(new TrainerOptions { CheckpointPath = checkpoint }, []);
        Fit(plain, plainModel);
        var (resumed, resumedModel) = Setup(new TrainerOptions { Patience = 2, CheckpointPath = checkpoint, Resume = true }, []);
        Assert.Contains("written without early stopping, but this run trains with it", Assert.Throws<LatentException>(() => Fit(resumed, resumedModel)).Message);

        using (var writer = new BinaryWriter(File.Create(checkpoint), Encoding.UTF8)) writer.Write("LATENT-CHECKPOINT-3");
        var (old, oldModel) = Setup(new TrainerOptions { CheckpointPath = checkpoint, Resume = true }, []);
        var message = Assert.Throws<LatentException>(() => Fit(old, oldModel)).Message;
        Assert.Equal($"{checkpoint}: checkpoint was written by an older version of Latent and cannot be resumed; start the run again without --resume", message);
    }

    [Fact]
    public void PatienceNeedsAFigureAndAPositiveValue()
    {
        RunSeed.Apply(1);
        using var model = new Mlp([4, 2]);
        var trainer = new Trainer(model, OptimizerSettings.Adam(), new TrainerOptions { Patience = 1 });
        Assert.Equal("early stopping needs a validation figure to watch", Assert.Throws<LatentException>(() => trainer.Fit(4, _ => zeros(1).sum())).Message);
        Assert.Contains("patience must be at least 1", Assert.Throws<LatentException>(() => new TrainerOptions { Patience = 0 }.Validate()).Message);
    }
}
