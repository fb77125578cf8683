using Latent.Nn;
using Latent.Training;
using TorchSharp;
using static TorchSharp.torch;

namespace Latent.Tests.Training;

/// <summary>The TensorBoard run log, read back with an independent TFRecord and Event reader: tags, steps, values and wall times.</summary>
public sealed class RunLogTests : TorchTest, IDisposable
{
    private readonly string dir = Directory.CreateTempSubdirectory("latent-runlog-").FullName;

    /// <summary>Removes the logs.</summary>
    public void Dispose() => Directory.Delete(dir, true);

    [Fact]
    public void ScalarsComeBackWithTheirTagsStepsValuesAndWallTimeInSeconds()
    {
        double before = DateTimeOffset.UtcNow.ToUnixTimeSeconds();
        var log = RunLog.Open(dir, RunLogOptions.Default)!;
        log.Scalar("train/loss", 2.5, 10);
        log.Scalar("train/loss", 1.25, 20);
        log.Scalar("train/skipped", double.NaN, 30);
        log.Metrics(new Dictionary<string, double> { ["test_accuracy"] = 0.75 }, 20);

        Assert.Equal(Path.Combine(dir, RunLog.FolderName), log.Directory);
        var scalars = TensorBoardEvents.ReadDirectory(log.Directory);
        Assert.Equal([("train/loss", 10L, 2.5f), ("train/loss", 20L, 1.25f), ("metrics/test_accuracy", 20L, 0.75f)], scalars.Select(s => (s.Tag, s.Step, s.Value)));
        Assert.All(scalars, s => Assert.InRange(s.WallTime, before, DateTimeOffset.UtcNow.ToUnixTimeSeconds()));
        Assert.Null(RunLog.Open(Path.Combine(dir, "off"), RunLogOptions.Default with { TensorBoard = false }));
        Assert.False(Directory.Exists(Path.Combine(dir, "off")));
    }

    [Fact]
    public void TheTrainerLogsTheLossEveryNStepsTheLearningRateEvaluationsAndValidation()
    {
        using var generator = new Generator(3);
        using var inputs = randn(new long[] { 40, 3 }, generator: generator);
        using var targets = inputs.sum(1, keepdim: true);
        RunSeed.Apply(4);
        using var model = new Mlp([3, 1]);
        var log = new RunLog(Path.Combine(dir, "trainer"), everySteps: 3);
        var trainer = new Trainer(model, OptimizerSettings.Adam(0.01), new TrainerOptions { Epochs = 2, BatchSize = 5, Patience = 3 })
        {
            Evaluate = () => 0.25,
            EvaluationName = "test accuracy",
            Validate = () => 1.5,
            ValidationName = "negative ELBO",
            Log = log,
        };
        var curve = trainer.Fit(40, batch => (model.forward(inputs.index_select(0, batch)) - targets.index_select(0, batch)).square().mean());

        var scalars = TensorBoardEvents.ReadDirectory(log.Directory);
        var losses = scalars.Where(s => s.Tag == "train/loss").ToList();
        Assert.Equal([3L, 6, 9, 12, 15], losses.Select(s => s.Step));
        Assert.Equal(losses.Select(s => (float)curve.Steps[(int)s.Step - 1].Value), losses.Select(s => s.Value));
        Assert.All(scalars.Where(s => s.Tag == "train/learning_rate"), s => Assert.Equal(0.01f, s.Value));
        Assert.Equal(curve.Epochs.Select(p => (p.Step, (float)p.Value)), scalars.Where(s => s.Tag == "train/epoch_loss").Select(s => (s.Step, s.Value)));
        Assert.Equal([(8L, 0.25f), (16L, 0.25f)], scalars.Where(s => s.Tag == "eval/test_accuracy").Select(s => (s.Step, s.Value)));
        Assert.Equal([(8L, 1.5f), (16L, 1.5f)], scalars.Where(s => s.Tag == "validation/negative_elbo").Select(s => (s.Step, s.Value)));
    }

    [Fact]
    public void TagsAreLowerCaseWordsJoinedByUnderscores() =>
        Assert.Equal(["test_elbo", "held_out_noisy_label_loss", "perplexity"], new[] { "test −ELBO", "held-out noisy-label loss", "Perplexity" }.Select(RunLog.Tag));
}
