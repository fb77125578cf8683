using Latent.Nn;
using Latent.Noisy;
using Latent.Tests.Noisy;
using Latent.Text;
using Latent.Training;
using Xunit.Abstractions;
using static TorchSharp.torch;

namespace Latent.Tests.Fuzz;

/// <summary>Fuzzes training checkpoints through the Trainer's resume path (<see cref="Checkpoint.Load"/>), with and without a parameter average.</summary>
public sealed class CheckpointFuzzTests : TorchTest, IDisposable
{
    private readonly string dir = Directory.CreateTempSubdirectory("latent-fuzz-checkpoint-").FullName;
    private readonly ITestOutputHelper output;
    private readonly Tensor inputs = rand(16, 3);

    public CheckpointFuzzTests(ITestOutputHelper output) => this.output = output;

    public void Dispose()
    {
        inputs.Dispose();
        Directory.Delete(dir, true);
    }

    private void Train(string checkpoint, bool resume, double? average)
    {
        using var model = new Mlp(new[] { 3, 4, 2 });
        var options = new TrainerOptions { Epochs = 2, BatchSize = 8, CheckpointPath = checkpoint, Resume = resume, AverageDecay = average };
        new Trainer(model, OptimizerSettings.Adam(1e-2), options).Fit(16, batch => model.forward(inputs.index_select(0, batch)).square().mean());
    }

    [Fact]
    public void CheckpointFiles()
    {
        var run = new FuzzRun("checkpoint (Trainer resume, Checkpoint.Load)", output);
        foreach (var (average, seed) in new[] { ((double?)null, 43), (0.9, 47) })
        {
            var valid = Path.Combine(dir, $"seed{seed}.ckpt");
            Train(valid, resume: false, average);
            var bytes = File.ReadAllBytes(valid);
            var cases = new List<(string, byte[])> { ("empty", Array.Empty<byte>()), ("header only", bytes[..24]) };
            cases.AddRange(new Mutator(seed).Mutate(bytes, 38));
            int i = 0;
            foreach (var (name, mutated) in cases)
            {
                var path = Path.Combine(dir, $"case{seed}-{i++}.ckpt");
                File.WriteAllBytes(path, mutated);
                run.Case($"{(average is null ? "plain" : "averaged")}: {name}", () => Train(path, resume: true, average), path);
            }
        }
        run.Finish();
    }

    [Fact]
    public void Word2VecCheckpointFiles()
    {
        var run = new FuzzRun("checkpoint (word2vec train resume)", output);
        var tokens = Enumerable.Range(0, 400).Select(i => $"w{i * 7 % 23}").ToList();
        var options = new Word2VecOptions { Dimensions = 4, Epochs = 2, Threads = 2, MinCount = 1 };
        var valid = Path.Combine(dir, "word2vec.ckpt");
        new Word2Vec(options).Fit(tokens, checkpointPath: valid);
        var cases = new List<(string, byte[])> { ("empty", Array.Empty<byte>()) };
        cases.AddRange(new Mutator(59).Mutate(File.ReadAllBytes(valid), 60));
        int i = 0;
        foreach (var (name, mutated) in cases)
        {
            var path = Path.Combine(dir, $"word2vec-case{i++}.ckpt");
            File.WriteAllBytes(path, mutated);
            run.Case(name, () => new Word2Vec(options).Fit(tokens, checkpointPath: path, resume: true), path);
        }
        run.Finish();
    }

    [Fact]
    public void NoisyLabelCheckpointFiles()
    {
        var run = new FuzzRun("checkpoint (noisy train resume: Q, its optimizer, records, best epoch)", output);
        using var data = NoisyClassifierTests.Separable(3, images: false, trainCount: 60, testCount: 10);
        // Two epochs of 3 steps with the projected Q under Adam and an average: every part of the extra state is present.
        var options = NoisyTrainingOptions.Default with { Epochs = 2, BatchSize = 20, Model = NoiseModel.Project, TransitionOptimizer = "adam", AverageDecay = 0.9, FrozenEpochs = 0, Initialization = TransitionInitialization.Identity, HiddenUnits = 8 };
        void Fit(string checkpoint, bool resume)
        {
            using var model = NoisyClassifier.For(data, options);
            model.Fit(data, "symmetric:0.2", checkpointPath: checkpoint, resume: resume);
        }
        var valid = Path.Combine(dir, "noisy.ckpt");
        Fit(valid, resume: false);
        var bytes = File.ReadAllBytes(valid);
        var cases = new List<(string, byte[])> { ("empty", Array.Empty<byte>()) };
        cases.AddRange(new Mutator(53).Mutate(bytes, 60));
        int i = 0;
        foreach (var (name, mutated) in cases)
        {
            var path = Path.Combine(dir, $"noisy-case{i++}.ckpt");
            File.WriteAllBytes(path, mutated);
            run.Case(name, () => Fit(path, resume: true), path);
        }
        run.Finish();
    }
}
