using Latent.Data;
using Latent.Gp;
using Latent.Nn;
using Latent.Noisy;
using Latent.Tests.Noisy;
using Latent.Text;
using Latent.Tests.Vae;
using Latent.Training;
using Latent.Vae;
using static TorchSharp.torch;

namespace Latent.Tests.Training;

/// <summary>
/// Interrupt a fit through its cancellation token (mid-epoch / between checkpoints) or kill it (an exception out of a step),
/// resume it from the checkpoint, and get bit for bit the weights and curve of the uninterrupted fit (one libtorch thread).
/// </summary>
public sealed class ResumeTests : TorchTest, IDisposable
{
    private readonly string dir = Directory.CreateTempSubdirectory("latent-resume-").FullName;
    private readonly int threads = get_num_threads();

    /// <summary>Runs on one libtorch thread, so every reduction has one order.</summary>
    public ResumeTests() => set_num_threads(1);

    /// <summary>Restores the thread count and removes the checkpoints.</summary>
    public void Dispose()
    {
        set_num_threads(threads);
        Directory.Delete(dir, true);
    }

    /// <summary>A progress callback that asks to stop once step <paramref name="step"/> is done.</summary>
    private static Action<TrainingProgress> StopAt(CancellationTokenSource stop, long step) => p => { if (p.Step == step) stop.Cancel(); };

    /// <summary>A progress callback that "kills" the run (an exception no checkpoint follows) once step <paramref name="step"/> is done.</summary>
    private static Action<TrainingProgress> KillAt(long step) => p => { if (p.Step == step) throw new OperationCanceledException("killed"); };

    private static void AssertSameWeights(nn.Module expected, nn.Module actual)
    {
        var right = actual.state_dict();
        foreach (var (name, tensor) in expected.state_dict())
            Assert.True(tensor.equal(right[name]).all().item<bool>(), $"{name} differs");
    }

    [Fact]
    public void MlpInterruptedMidEpochResumesToTheUninterruptedWeightsAndCurve()
    {
        using var data = NoisyClassifierTests.Separable(3, images: false);
        // 3 epochs of 6 steps instead of the defaults: interruption must land inside an epoch.
        var options = MlpClassifierOptions.Default with { Hidden = [8], Epochs = 3, BatchSize = 25, Seed = 5 };
        var checkpoint = Path.Combine(dir, "mlp.bin");
        using var straight = MlpClassifier.For(data, options);
        var expected = straight.Fit(data);

        using var stop = new CancellationTokenSource();
        using (var first = MlpClassifier.For(data, options))
        {
            var error = Assert.Throws<TrainingInterruptedException>(() => first.Fit(data, StopAt(stop, 9), checkpoint, stop: stop.Token));
            Assert.Equal(9, error.Step);
            Assert.Equal(checkpoint, error.CheckpointPath);
        }
        using var resumed = MlpClassifier.For(data, options);
        var curve = resumed.Fit(data, checkpointPath: checkpoint, resume: true);
        Assert.Equal(expected.Steps, curve.Steps);
        Assert.Equal(expected.Epochs, curve.Epochs);
        Assert.Equal(expected.Evaluations, curve.Evaluations);
        Assert.Equal(straight.Evaluate(data.Test).ToDictionary(), resumed.Evaluate(data.Test).ToDictionary());
        using var before = straight.PredictProba(data.Test.Features);
        using var after = resumed.PredictProba(data.Test.Features);
        Assert.True(before.equal(after).all().item<bool>());
    }

    [Fact]
    public void VaeInterruptedMidEpochResumesWithItsSamplingNoiseToTheSameWeights()
    {
        using var data = TinyData.Vectors(train: 60, test: 20);
        // 2 epochs of 6 steps instead of the defaults; z-sampling and evaluation noise come from generators the checkpoint keeps.
        var options = new VaeOptions { Latent = 2, Hidden = [8], Decoder = DecoderKind.GaussianLearned, Epochs = 2, BatchSize = 10, EvalIwaeSamples = 0, Seed = 3, CheckpointPath = Path.Combine(dir, "vae.bin") };
        using var straight = new VaeModel(options with { CheckpointPath = null }, data.ExampleShape);
        var expected = straight.Fit(data);

        using var stop = new CancellationTokenSource();
        using (var first = new VaeModel(options with { Stop = stop.Token }, data.ExampleShape))
            Assert.Throws<TrainingInterruptedException>(() => first.Fit(data, StopAt(stop, 4)));
        using var resumed = new VaeModel(options with { Resume = true }, data.ExampleShape);
        var curve = resumed.Fit(data);
        Assert.Equal(expected.Steps, curve.Steps);
        Assert.Equal(expected.Evaluations, curve.Evaluations);
        AssertSameWeights(straight.Network, resumed.Network);
    }

    [Fact]
    public void LanguageModelInterruptedMidEpochCarriesItsRecurrentStateOnToTheSameWeights()
    {
        var words = Enumerable.Range(0, 500).Select(i => $"w{(i * 7 + i / 11) % 13}").ToList();
        var validation = words.Take(100).ToList();
        // 2 epochs of 3 chunks (batch 4 × bptt 40) instead of the defaults; dropout draws from the global generator the checkpoint keeps.
        var options = new LanguageModelOptions { EmbeddingSize = 16, HiddenSize = 16, MinCount = 1, Epochs = 2, BatchSize = 4, Bptt = 40, Seed = 5 };
        var checkpoint = Path.Combine(dir, "lm.bin");
        var straight = new LanguageModel(options);
        var expected = straight.Fit(words, validation);

        using var stop = new CancellationTokenSource();
        Assert.Throws<TrainingInterruptedException>(() => new LanguageModel(options).Fit(words, validation, StopAt(stop, 2), checkpointPath: checkpoint, stop: stop.Token));
        var resumed = new LanguageModel(options);
        var curve = resumed.Fit(words, validation, checkpointPath: checkpoint, resume: true);
        Assert.Equal(expected.Steps, curve.Steps);
        Assert.Equal(expected.Evaluations, curve.Evaluations);
        AssertSameWeights(straight.Network, resumed.Network);
    }

    [Theory]
    [InlineData(NoiseModel.Softmax, 14, null)]
    [InlineData(NoiseModel.Softmax, 8, 0.9)]
    [InlineData(NoiseModel.Project, 20, 0.9)]
    [InlineData(NoiseModel.Forward, 12, 0.9)]
    public void NoisyInterruptedResumesWithQItsOptimizerAndTheBestEpochToTheSameModelAndRecords(NoiseModel noiseModel, long stopAfter, double? average)
    {
        using var data = NoisyClassifierTests.Separable(3, images: false);
        // 4 epochs of 6 steps (135 training examples after the validation split, batches of 25) instead of the defaults; Adam on the
        // projected Q so its probe runs too. Step 12 ends epoch 2 (the epoch-end checkpoint), steps 14 and 20 lie inside one, and step 8 inside
        // epoch 2, whose start set Q from the estimated T (the resumed run must not estimate it again). At this
        // learning rate the noisy validation loss is lowest in epoch 2 or 3, so the best epoch's state must come back from the checkpoint.
        var options = NoisyTrainingOptions.Default with
        {
            Epochs = 4, BatchSize = 25, LearningRate = 0.01, Seed = 5, Model = noiseModel, TransitionOptimizer = "adam", EstimationEpochs = 1, AverageDecay = average,
        };
        var checkpoint = Path.Combine(dir, $"noisy-{noiseModel}.bin");
        using var straight = NoisyClassifier.For(data, options);
        var expected = straight.Fit(data, "pairflip:0.3");

        using var stop = new CancellationTokenSource();
        using (var first = NoisyClassifier.For(data, options))
            Assert.Equal(stopAfter, Assert.Throws<TrainingInterruptedException>(() => first.Fit(data, "pairflip:0.3", StopAt(stop, stopAfter), checkpoint, stop: stop.Token)).Step);
        using var resumed = NoisyClassifier.For(data, options);
        var actual = resumed.Fit(data, "pairflip:0.3", checkpointPath: checkpoint, resume: true);
        Assert.Equal(expected.SelectedEpoch, actual.SelectedEpoch);
        Assert.Equal(expected.Epochs.Select(r => r with { Seconds = 0 }), actual.Epochs.Select(r => r with { Seconds = 0 }));
        Assert.Equal(expected.Transition, actual.Transition);
        Assert.Equal(straight.Transition(), resumed.Transition());
        using var before = straight.PredictProba(data.Test.Features);
        using var after = resumed.PredictProba(data.Test.Features);
        Assert.True(before.equal(after).all().item<bool>());
    }

    /// <summary>60,000 tokens of 40 words in four topics: enough for several progress reports (one per 10,000 words) per epoch.</summary>
    private static List<string> TopicTokens()
    {
        var random = new Random(7);
        return Enumerable.Range(0, 60_000).Select(i => $"t{i / 500 % 4}w{random.Next(10)}").ToList();
    }

    [Theory]
    [InlineData("skipgram", "negative")]
    [InlineData("skipgram", "hierarchical")]
    [InlineData("cbow", "negative")]
    [InlineData("cbow", "hierarchical")]
    public void Word2VecOnOneThreadInterruptedMidEpochResumesToTheSameVectors(string model, string loss)
    {
        var tokens = TopicTokens();
        var options = new Word2VecOptions { Model = model, Loss = loss, Dimensions = 12, Epochs = 3, Threads = 1, MinCount = 1, Seed = 2 };
        var checkpoint = Path.Combine(dir, $"word2vec-{model}-{loss}.bin");
        var straight = new Word2Vec(options).Fit(tokens);

        using var stop = new CancellationTokenSource();
        double requested = 0;
        var error = Assert.Throws<TrainingInterruptedException>(() => new Word2Vec(options).Fit(tokens, f =>
        {
            if (f <= 0.5 || stop.IsCancellationRequested) return;
            requested = f * (3 * 60_000 + 1);
            stop.Cancel();
        }, checkpoint, stop: stop.Token));
        // The thread finishes its sentence: up to 1,000 kept words, a few thousand read at this subsampling.
        Assert.InRange(error.Step, requested, requested + 10_000);
        var resumed = new Word2Vec(options).Fit(tokens, checkpointPath: checkpoint, resume: true);
        Assert.Equal(straight.Vectors.Matrix.ToArray(), resumed.Vectors.Matrix.ToArray());
        Assert.Equal(straight.OutputWeights, resumed.OutputWeights);
        Assert.Equal(straight.HeldOutLoss(tokens.Take(5000), 1), resumed.HeldOutLoss(tokens.Take(5000), 1));

        var other = Assert.Throws<LatentException>(() => new Word2Vec(options with { Epochs = 4 }).Fit(tokens, checkpointPath: checkpoint, resume: true)).Message;
        Assert.StartsWith($"{checkpoint}: checkpoint is of another run", other);
        Assert.DoesNotContain('\n', other);
        var otherModel = options with { Model = model == "cbow" ? "skipgram" : "cbow", StartingAlpha = options.Alpha };
        Assert.StartsWith($"{checkpoint}: checkpoint is of another run", Assert.Throws<LatentException>(() => new Word2Vec(otherModel).Fit(tokens, checkpointPath: checkpoint, resume: true)).Message);
    }

    [Fact]
    public void Word2VecWhoseCheckpointCannotBeWrittenFailsInOneLineOnTheCallersThread()
    {
        // The checkpoint is written where the worker threads meet; an error there must not end the process from a worker thread.
        var blocker = Path.Combine(dir, "a-file");
        File.WriteAllText(blocker, "");
        var path = Path.Combine(blocker, "checkpoint.bin");
        var options = new Word2VecOptions { Dimensions = 4, Epochs = 2, Threads = 2, MinCount = 1 };
        var error = Assert.Throws<LatentException>(() => new Word2Vec(options).Fit(TopicTokens(), checkpointPath: path));
        Assert.Equal($"{blocker}: is a file, not a directory", error.Message);
    }

    [Fact]
    public void Word2VecOnTwoThreadsInterruptedResumesToVectorsOfTheSameQuality()
    {
        var tokens = TopicTokens();
        var options = new Word2VecOptions { Dimensions = 12, Epochs = 3, Threads = 2, MinCount = 1, Seed = 2 };
        var checkpoint = Path.Combine(dir, "word2vec-2.bin");
        var straight = new Word2Vec(options).Fit(tokens);
        using var stop = new CancellationTokenSource();
        Assert.Throws<TrainingInterruptedException>(() => new Word2Vec(options).Fit(tokens, f => { if (f > 0.4) stop.Cancel(); }, checkpoint, stop: stop.Token));
        var resumed = new Word2Vec(options).Fit(tokens, checkpointPath: checkpoint, resume: true);
        // Hogwild threads make every run's vectors differ a little; the held-out loss of the resumed run matches within that noise.
        double expected = straight.HeldOutLoss(tokens.Take(5000), 1), actual = resumed.HeldOutLoss(tokens.Take(5000), 1);
        Assert.True(Math.Abs(expected - actual) < 0.02 * expected, $"held-out loss {actual} after resuming, {expected} straight");
        Assert.All(resumed.Similar("t1w4", 3), n => Assert.StartsWith("t1", n.Word, StringComparison.Ordinal));
    }

    private static readonly SvgpClassifierOptions Svgp = new() { Inducing = "first:12", Iterations = 25, BatchSize = 16, CheckpointEvery = 10, LearningRate = 0.05, FinalLearningRate = 0.005, Seed = 4 };

    [Theory]
    [InlineData("robustmax")]
    [InlineData("softmax")]
    public void SvgpInterruptedBetweenCheckpointsResumesToTheSameElbosAndModel(string likelihood)
    {
        using var data = NoisyClassifierTests.Separable(3, images: false, trainCount: 40);
        var options = Svgp with { Likelihood = likelihood, SoftmaxSamples = 4 };
        var checkpoint = Path.Combine(dir, $"svgp-{likelihood}.bin");
        using var straight = new SvgpClassifier(options);
        var expected = straight.Fit(data);

        using var stop = new CancellationTokenSource();
        using (var first = new SvgpClassifier(options))
            Assert.Equal(13, Assert.Throws<TrainingInterruptedException>(() => first.Fit(data, StopAt(stop, 13), checkpoint, stop: stop.Token)).Step);
        using var resumed = new SvgpClassifier(options);
        Assert.Equal(expected, resumed.Fit(data, checkpointPath: checkpoint, resume: true));
        Assert.Equal(25, resumed.StepsTaken);
        AssertSameWeights(straight.Model, resumed.Model);
        Assert.Equal(straight.Evaluate(data.Test).ToDictionary(), resumed.Evaluate(data.Test).ToDictionary());
    }

    [Fact]
    public void SvgpKilledAfterACheckpointResumesFromItToTheSameModel()
    {
        using var data = NoisyClassifierTests.Separable(3, images: false, trainCount: 40);
        var checkpoint = Path.Combine(dir, "svgp-killed.bin");
        using var straight = new SvgpClassifier(Svgp);
        var expected = straight.Fit(data);

        using (var first = new SvgpClassifier(Svgp))
            Assert.Throws<OperationCanceledException>(() => first.Fit(data, KillAt(17), checkpoint));
        using var resumed = new SvgpClassifier(Svgp);
        var steps = new List<long>();
        Assert.Equal(expected, resumed.Fit(data, p => steps.Add(p.Step), checkpoint, resume: true));
        Assert.Equal(11, steps[0]);
        AssertSameWeights(straight.Model, resumed.Model);
    }

    [Fact]
    public void ACheckpointThatDoesNotFitTheRunIsAOneLineError()
    {
        using var data = NoisyClassifierTests.Separable(3, images: false, trainCount: 40);
        var checkpoint = Path.Combine(dir, "svgp-short.bin");
        using (var first = new SvgpClassifier(Svgp))
            first.Fit(data, checkpointPath: checkpoint);
        using var shorter = new SvgpClassifier(Svgp with { Iterations = 20 });
        var message = Assert.Throws<LatentException>(() => shorter.Fit(data, checkpointPath: checkpoint, resume: true)).Message;
        Assert.Contains("past the 20 steps", message);
        using var mlp = MlpClassifier.For(data, MlpClassifierOptions.Default with { Hidden = [8] });
        Assert.Contains("different model", Assert.Throws<LatentException>(() => mlp.Fit(data, checkpointPath: checkpoint, resume: true)).Message);
    }

    [Fact]
    public void TheResumeCommandRepeatsTheArgumentsQuotedWithResumeAndTheOutputFolder()
    {
        var error = new TrainingInterruptedException(7, "/runs/a b/checkpoint.bin");
        Assert.Equal("latent svgp train --data 'my data.npz' --lr 0.1 --resume --out '/runs/a b'", error.ResumeCommand("latent", ["svgp", "train", "--data", "my data.npz", "--lr", "0.1"]));
        Assert.Equal("latent mlp --out=x --resume", error.ResumeCommand("latent", ["mlp", "--out=x", "--resume"]));
        Assert.Equal("latent mlp --label-column 'it'\\''s' --resume --out '/runs/a b'", error.ResumeCommand("latent", ["mlp", "--label-column", "it's"]));
    }
}
