using Latent.Nn;
using Latent.Training;
using static TorchSharp.torch;

namespace Latent.Tests.Training;

/// <summary>The trainer's step-level settings: a learning-rate schedule, a time limit and checkpoints every so many steps.</summary>
public class TrainerStepOptionsTests : TorchTest, IDisposable
{
    private readonly string dir = Directory.CreateTempSubdirectory("latent-trainer-steps-").FullName;
    private readonly Tensor inputs;

    public TrainerStepOptionsTests()
    {
        using var generator = new Generator(5);
        inputs = randn(new long[] { 40, 3 }, generator: generator);
    }

    public void Dispose() => Directory.Delete(dir, true);

    private Mlp NewModel()
    {
        RunSeed.Apply(7);
        return new Mlp([3, 4, 1]);
    }

    private Tensor Loss(Mlp model, Tensor rows) => model.forward(inputs.index_select(0, rows)).square().mean();

    [Fact]
    public void TheScheduleSetsEveryStepsRateAndTheSubsetLimitsWhatTheOptimizerMoves()
    {
        using var model = NewModel();
        var frozen = model.parameters().First().detach().clone();
        var rates = new List<double>();
        Trainer? trainer = null;
        trainer = new Trainer(model, OptimizerSettings.Sgd(1.0), new TrainerOptions { Epochs = 3, BatchSize = 10 }, model.parameters().Skip(1))
        {
            LearningRateSchedule = step => 0.001 * (step + 1),
            Progress = _ => rates.Add(trainer!.Optimizer.ParamGroups.First().LearningRate),
        };
        trainer.Fit(40, rows => Loss(model, rows));
        Assert.Equal(Enumerable.Range(0, 12).Select(step => 0.001 * (step + 1)), rates);
        Assert.True(model.parameters().First().equal(frozen).all().item<bool>(), "a parameter outside the optimized subset must not move");
    }

    [Fact]
    public void ATimeLimitEndsTheRunAfterTheStepThatPassesItWithACheckpointThatResumes()
    {
        var checkpoint = Path.Combine(dir, "timed.bin");
        using var model = NewModel();
        var options = new TrainerOptions { Epochs = 5, BatchSize = 10, CheckpointPath = checkpoint, TimeLimit = TimeSpan.FromTicks(1) };
        var curve = new Trainer(model, OptimizerSettings.Adam(), options).Fit(40, rows => Loss(model, rows));
        Assert.Single(curve.Steps);
        using var resumed = NewModel();
        var rest = new Trainer(resumed, OptimizerSettings.Adam(), options with { TimeLimit = null, Resume = true }).Fit(40, rows => Loss(resumed, rows));
        Assert.Equal(20, rest.Steps.Count);
        Assert.Equal(curve.Steps[0], rest.Steps[0]);
        Assert.Equal(5, rest.Epochs.Count);
    }

    [Fact]
    public void CheckpointsEverySoManyStepsReplaceTheEpochOnesAndTheLastStepIsKept()
    {
        var checkpoint = Path.Combine(dir, "steps.bin");
        using var model = NewModel();
        var options = new TrainerOptions { Epochs = 3, BatchSize = 10, MaxSteps = 11, CheckpointPath = checkpoint, CheckpointEverySteps = 3 };
        var written = new List<long>();
        var trainer = new Trainer(model, OptimizerSettings.Adam(), options)
        {
            Progress = p =>
            {
                if (File.Exists(checkpoint)) written.Add(File.GetLastWriteTimeUtc(checkpoint).Ticks);
                File.Delete(checkpoint);
            },
        };
        trainer.Fit(40, rows => Loss(model, rows));
        // Deleted after each step, the file is there at the next step only after a step that wrote it: 3, 6, 9 (not the epoch ends 4 and 8).
        Assert.Equal(3, written.Count);
        Assert.True(File.Exists(checkpoint), "the run's last step (11) writes the checkpoint");
        using var resumed = NewModel();
        Assert.Equal(11, new Trainer(resumed, OptimizerSettings.Adam(), options with { Resume = true }).Fit(40, rows => Loss(resumed, rows)).Steps.Count);
        Assert.Contains("past the 8 steps", Assert.Throws<LatentException>(() => new Trainer(resumed, OptimizerSettings.Adam(), options with { Resume = true, MaxSteps = 8 }).Fit(40, rows => Loss(resumed, rows))).Message);
    }
}
