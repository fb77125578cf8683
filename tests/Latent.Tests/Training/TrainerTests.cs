using Latent.Nn;
using Latent.Training;
using TorchSharp;
using static TorchSharp.torch;

namespace Latent.Tests.Training;

public class TrainerTests : TorchTest, IDisposable
{
    private readonly string dir = Directory.CreateTempSubdirectory("latent-trainer-").FullName;
    private readonly Tensor inputs;
    private readonly Tensor targets;

    public TrainerTests()
    {
        using var generator = new Generator(99);
        inputs = randn(new long[] { 64, 5 }, generator: generator);
        targets = inputs.mm(randn(new long[] { 5, 2 }, generator: generator)).tanh();
    }

    public void Dispose() => Directory.Delete(dir, true);

    private Mlp NewModel(long seed, int hidden = 16)
    {
        RunSeed.Apply(seed);
        return new Mlp(new[] { 5, hidden, 2 });
    }

    private Tensor Loss(Mlp model, Tensor indices) =>
        (model.forward(inputs.index_select(0, indices)) - targets.index_select(0, indices)).square().mean();

    private LearningCurve Train(Mlp model, TrainerOptions options, OptimizerSettings? optimizer = null) =>
        new Trainer(model, optimizer ?? OptimizerSettings.Adam(1e-2), options).Fit(64, i => Loss(model, i));

    private static float[] Parameters(Mlp model) => model.parameters().SelectMany(p => p.data<float>().ToArray()).ToArray();

    [Fact]
    public void SameSeedGivesTheSameNumbersAndLossDecreases()
    {
        var options = new TrainerOptions { Epochs = 5, BatchSize = 8, Seed = 3 };
        var a = Train(NewModel(1), options);
        var b = Train(NewModel(1), options);
        Assert.Equal(a.Steps.Select(p => p.Value), b.Steps.Select(p => p.Value));
        Assert.Equal(40, a.Steps.Count);
        Assert.Equal(5, a.Epochs.Count);
        Assert.True(a.Epochs[^1].Value < 0.5 * a.Epochs[0].Value, $"epoch losses {a.Epochs[0].Value} -> {a.Epochs[^1].Value}");
        var c = Train(NewModel(1), options with { Seed = 4 });
        Assert.NotEqual(a.Steps.Select(p => p.Value), c.Steps.Select(p => p.Value));
    }

    [Fact]
    public void LiveNativeTensorCountStaysFlatOverAThousandSteps()
    {
        using var model = NewModel(2);
        long after100 = 0;
        var trainer = new Trainer(model, OptimizerSettings.Adam(), new TrainerOptions { Epochs = 1000, BatchSize = 64, MaxSteps = 1000 })
        {
            Progress = p =>
            {
                if (p.Step == 100) after100 = DisposeScopeManager.Statistics.ThreadTotalLiveCount;
            },
        };
        var curve = trainer.Fit(64, i => Loss(model, i));
        Assert.Equal(1000, curve.Steps.Count);
        long after1000 = DisposeScopeManager.Statistics.ThreadTotalLiveCount;
        Assert.True(after1000 <= after100, $"live tensors grew from {after100} at step 100 to {after1000} at step 1000");
    }

    [Fact]
    public void NonFiniteLossStopsWithAClearErrorBeforeUpdatingParameters()
    {
        using var model = NewModel(3);
        var before = Parameters(model);
        var trainer = new Trainer(model, OptimizerSettings.Sgd(0.1), new TrainerOptions { Epochs = 1, BatchSize = 64 });
        var e = Assert.Throws<NonFiniteLossException>(() => trainer.Fit(64, i => Loss(model, i) / 0.0));
        Assert.Contains("+Inf at step 1", e.Message);
        Assert.Equal(before, Parameters(model));
    }

    [Fact]
    public void ResumingFromACheckpointReproducesTheUninterruptedRun()
    {
        var checkpoint = Path.Combine(dir, "run.ckpt");
        var full = NewModel(5);
        var fullCurve = Train(full, new TrainerOptions { Epochs = 4, BatchSize = 16, Seed = 8 });

        var killed = NewModel(5);
        Train(killed, new TrainerOptions { Epochs = 2, BatchSize = 16, Seed = 8, CheckpointPath = checkpoint });
        var resumed = NewModel(123);
        RunSeed.Apply(999);
        var resumedCurve = Train(resumed, new TrainerOptions { Epochs = 4, BatchSize = 16, Seed = 8, CheckpointPath = checkpoint, Resume = true });

        Assert.Equal(Parameters(full), Parameters(resumed));
        Assert.Equal(fullCurve.Steps.Select(p => p.Value), resumedCurve.Steps.Select(p => p.Value));
        Assert.Equal(new[] { "run.ckpt" }, Directory.GetFiles(dir).Select(Path.GetFileName));
    }

    [Fact]
    public void ResumingFromACheckpointOfADifferentModelIsRefused()
    {
        var checkpoint = Path.Combine(dir, "run.ckpt");
        Train(NewModel(5), new TrainerOptions { Epochs = 1, BatchSize = 16, CheckpointPath = checkpoint });
        var e = Assert.Throws<LatentException>(() => Train(NewModel(5, hidden: 8), new TrainerOptions { Epochs = 2, BatchSize = 16, CheckpointPath = checkpoint, Resume = true }));
        Assert.Contains("different model", e.Message);
        Assert.Contains("no checkpoint", Assert.Throws<LatentException>(() =>
            Train(NewModel(5), new TrainerOptions { Epochs = 2, CheckpointPath = Path.Combine(dir, "none"), Resume = true })).Message);
    }

    [Fact]
    public void ParameterAverageIsTheBiasCorrectedExponentialAverageOfTheIterates()
    {
        using var model = NewModel(6);
        var history = new List<float[]>();
        var evaluatedWith = new List<float[]>();
        const double decay = 0.9;
        var trainer = new Trainer(model, OptimizerSettings.Sgd(0.05), new TrainerOptions { Epochs = 3, BatchSize = 16, Seed = 2, AverageDecay = decay })
        {
            Progress = _ => history.Add(Parameters(model)),
            Evaluate = () => { evaluatedWith.Add(Parameters(model)); return 0; },
        };
        trainer.Fit(64, i => Loss(model, i));

        double[] Expected(int t) => Enumerable.Range(0, history[0].Length).Select(k =>
            Enumerable.Range(0, t).Sum(s => (1 - decay) * Math.Pow(decay, t - 1 - s) * history[s][k]) / (1 - Math.Pow(decay, t))).ToArray();
        for (int epoch = 0; epoch < 3; epoch++)
        {
            var expected = Expected(4 * (epoch + 1));
            Assert.All(Enumerable.Range(0, expected.Length), k => Assert.Equal(expected[k], evaluatedWith[epoch][k], 1e-5));
        }
        Assert.All(Enumerable.Range(0, history[0].Length), k => Assert.Equal(Expected(12)[k], Parameters(model)[k], 1e-5));
        Assert.NotEqual(history[^1], Parameters(model));
    }

    [Fact]
    public void ResumingWithAParameterAverageReproducesTheUninterruptedRunAndMismatchesAreRefused()
    {
        var checkpoint = Path.Combine(dir, "avg.ckpt");
        var options = new TrainerOptions { Epochs = 4, BatchSize = 16, Seed = 8, AverageDecay = 0.8 };
        var full = NewModel(7);
        Train(full, options);

        Train(NewModel(7), options with { Epochs = 2, CheckpointPath = checkpoint });
        var resumed = NewModel(321);
        Train(resumed, options with { CheckpointPath = checkpoint, Resume = true });
        Assert.Equal(Parameters(full), Parameters(resumed));

        var e = Assert.Throws<LatentException>(() => Train(NewModel(7), options with { AverageDecay = null, CheckpointPath = checkpoint, Resume = true }));
        Assert.Contains("parameter average", e.Message);
        Assert.Throws<LatentException>(() => Train(NewModel(7), options with { AverageDecay = 1.0 }));
    }

    [Fact]
    public void MaxStepsAndEvaluationCadenceAreHonoured()
    {
        using var model = NewModel(6);
        int evaluations = 0;
        var trainer = new Trainer(model, OptimizerSettings.Sgd(0.05), new TrainerOptions { Epochs = 100, BatchSize = 10, MaxSteps = 25, EvaluateEverySteps = 5 })
        {
            Evaluate = () => ++evaluations,
        };
        var curve = trainer.Fit(64, i => Loss(model, i));
        Assert.Equal(25, curve.Steps.Count);
        Assert.Equal(new long[] { 5, 10, 15, 20, 25 }, curve.Evaluations.Select(p => p.Step));
        Assert.Equal(25.0 / 7, curve.Steps[^1].Epoch, 9);
    }

    [Theory]
    [InlineData(0, 10)]
    [InlineData(5, 0)]
    public void BadOptionsAreRejected(int epochs, int batchSize)
    {
        var e = Assert.Throws<LatentException>(() => new TrainerOptions { Epochs = epochs, BatchSize = batchSize }.Validate());
        Assert.Contains("must be at least 1", e.Message);
        Assert.Throws<LatentException>(() => OptimizerSettings.Sgd(-0.1).Validate());
        Assert.Throws<LatentException>(() => OptimizerSettings.Sgd(double.NaN).Validate());
    }

    [Fact]
    public void LearningRateScalingRulesFollowTheirDefinitions()
    {
        Assert.Equal(0.1 * 32 / 256, LearningRateScaling.Linear.Scale(0.1, 256, 32), 12);
        Assert.Equal(0.1 * Math.Sqrt(32.0 / 256), LearningRateScaling.Sqrt.Scale(0.1, 256, 32), 12);
        Assert.Equal(0.1, LearningRateScaling.None.Scale(0.1, 256, 32));
    }
}
