using Latent.Data;
using Latent.Nn;
using Latent.Noisy;
using Latent.Tests.Noisy;
using Latent.Text;
using Xunit.Abstractions;

namespace Latent.Tests.Fuzz;

/// <summary>Fuzzes the saved-model folders of every family that has a Load(dir), through <see cref="ModelFolderFuzz"/>.</summary>
public sealed class ModelFolderFuzzTests : TorchTest, IDisposable
{
    private readonly string dir = Directory.CreateTempSubdirectory("latent-fuzz-models-").FullName;
    private readonly ITestOutputHelper output;

    public ModelFolderFuzzTests(ITestOutputHelper output) => this.output = output;

    public void Dispose() => Directory.Delete(dir, true);

    private static List<string> Tokens(int count)
    {
        string[] cycle = ["the", "cat", "sat", "on", "the", "mat", "."];
        return Enumerable.Range(0, count).Select(i => cycle[i % cycle.Length]).ToList();
    }

    [Fact]
    public void MlpClassifierFolders()
    {
        var run = new FuzzRun("model folder: MlpClassifier", output);
        ModelFolderFuzz.Run(run, dir, folder =>
        {
            using var data = NoisyClassifierTests.Separable(3, images: false, trainCount: 12, testCount: 6);
            using var model = MlpClassifier.For(data.Standardized(), MlpClassifierOptions.Default with { Hidden = [4] });
            model.Save(folder);
        }, folder =>
        {
            using var model = MlpClassifier.Load(folder);
        }, seed: 2);
        run.Finish();
    }

    [Theory]
    [InlineData(false)]
    [InlineData(true)]
    public void NoisyClassifierFolders(bool images)
    {
        var run = new FuzzRun($"model folder: NoisyClassifier ({(images ? "CNN on images" : "MLP on vectors")})", output);
        ModelFolderFuzz.Run(run, dir, folder =>
        {
            using var data = NoisyClassifierTests.Separable(3, images, trainCount: 12, testCount: 6);
            using var model = NoisyClassifier.For(data, NoisyTrainingOptions.Default with { HiddenUnits = 4 });
            model.Save(folder);
        }, folder =>
        {
            using var model = NoisyClassifier.Load(folder);
        }, seed: images ? 6 : 3);
        run.Finish();
    }

    [Fact]
    public void LanguageModelFolders()
    {
        var run = new FuzzRun("model folder: LanguageModel", output);
        ModelFolderFuzz.Run(run, dir, folder =>
        {
            var model = new LanguageModel(new LanguageModelOptions { EmbeddingSize = 32, HiddenSize = 32, MinCount = 1, Epochs = 1, BatchSize = 2, Bptt = 5 });
            model.Fit(Tokens(60), Tokens(20));
            model.Save(folder);
        }, folder => LanguageModel.Load(folder), seed: 4);
        run.Finish();
    }

    [Fact]
    public void Word2VecFolders()
    {
        var run = new FuzzRun("model folder: Word2Vec", output);
        ModelFolderFuzz.Run(run, dir, folder =>
            new Word2Vec(new Word2VecOptions { Dimensions = 4, MinCount = 1, Epochs = 1 }).Fit(Tokens(60)).Save(folder),
            folder =>
            {
                Word2Vec.Load(folder);
                WordVectors.Read(folder);
            }, seed: 5);
        run.Finish();
    }
}
