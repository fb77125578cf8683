using Latent.Nn;
using Latent.Noisy;
using Latent.Tests.Noisy;
using Latent.Text;
using Xunit.Abstractions;

namespace Latent.Tests.Fuzz;

/// <summary>
/// Fuzzes the saved-model folders of every family that has a Load(dir), through <see cref="ModelFolderFuzz"/>. A new family
/// needs one test: <c>[Fact] public void XFolders() =&gt; Fuzz("model folder: X", folder =&gt; /* save a tiny X */, folder =&gt; X.Load(folder));</c>
/// </summary>
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

    /// <summary>Runs the model-folder cases for one family: <paramref name="save"/> writes a valid tiny model, <paramref name="load"/> reads a folder.</summary>
    private void Fuzz(string reader, Action<string> save, Action<string> load, int seed = 1)
    {
        var run = new FuzzRun(reader, output);
        ModelFolderFuzz.Run(run, Directory.CreateDirectory(Path.Combine(dir, $"seed{seed}")).FullName, save, load, seed);
        run.Finish();
    }

    [Fact]
    public void MlpClassifierFolders() => Fuzz("model folder: MlpClassifier", folder =>
    {
        using var data = NoisyClassifierTests.Separable(3, images: false, trainCount: 12, testCount: 6);
        using var model = MlpClassifier.For(data.Standardized(), MlpClassifierOptions.Default with { Hidden = [4] });
        model.Save(folder);
    }, folder =>
    {
        using var model = MlpClassifier.Load(folder);
    }, seed: 2);

    [Theory]
    [InlineData(false)]
    [InlineData(true)]
    public void NoisyClassifierFolders(bool images) => Fuzz($"model folder: NoisyClassifier ({(images ? "CNN on images" : "MLP on vectors")})", folder =>
    {
        using var data = NoisyClassifierTests.Separable(3, images, trainCount: 12, testCount: 6);
        using var model = NoisyClassifier.For(data, NoisyTrainingOptions.Default with { HiddenUnits = 4 });
        model.Save(folder);
    }, folder =>
    {
        using var model = NoisyClassifier.Load(folder);
    }, seed: images ? 6 : 3);

    [Fact]
    public void LanguageModelFolders() => Fuzz("model folder: LanguageModel", folder =>
    {
        var model = new LanguageModel(new LanguageModelOptions { EmbeddingSize = 32, HiddenSize = 32, MinCount = 1, Epochs = 1, BatchSize = 2, Bptt = 5 });
        model.Fit(Tokens(60), Tokens(20));
        model.Save(folder);
    }, folder => LanguageModel.Load(folder), seed: 4);

    [Fact]
    public void Word2VecFolders() => Fuzz("model folder: Word2Vec",
        folder => new Word2Vec(new Word2VecOptions { Dimensions = 4, MinCount = 1, Epochs = 1 }).Fit(Tokens(60)).Save(folder),
        folder =>
        {
            Word2Vec.Load(folder);
            WordVectors.Read(folder);
        }, seed: 5);

    [Fact]
    public void SvgpClassifierFolders() => Fuzz("model folder: SvgpClassifier", folder =>
    {
        using var data = NoisyClassifierTests.Separable(3, images: false, trainCount: 12, testCount: 6);
        using var model = new Latent.Gp.SvgpClassifier(new Latent.Gp.SvgpClassifierOptions { Inducing = "every:4", Iterations = 2, BatchSize = 6 });
        model.Fit(data.Standardized());
        model.Save(folder);
    }, folder =>
    {
        using var model = Latent.Gp.SvgpClassifier.Load(folder);
    }, seed: 7);

    [Fact]
    public void AnSvgpFolderClaimingManyInducingPointsIsRefusedBeforeAnythingThatSizeIsBuilt()
    {
        var folder = Path.Combine(dir, "svgp");
        using (var data = NoisyClassifierTests.Separable(3, images: false, trainCount: 12, testCount: 6))
        using (var model = new Latent.Gp.SvgpClassifier(new Latent.Gp.SvgpClassifierOptions { Inducing = "every:4", Iterations = 2, BatchSize = 6 }))
        {
            model.Fit(data);
            model.Save(folder);
        }
        var path = Path.Combine(folder, "config.json");
        var config = System.Text.Json.Nodes.JsonNode.Parse(File.ReadAllText(path))!.AsObject();
        config["architecture"]!["inducing_count"] = 20_000;
        File.WriteAllText(path, config.ToJsonString());
        var message = Assert.Throws<LatentException>(() => Latent.Gp.SvgpClassifier.Load(folder)).Message;
        Assert.StartsWith($"{path}: describes a model of at least 1200180000 weights but model.safetensors holds", message);
    }

    [Fact]
    public void VaeModelFolders() => Fuzz("model folder: VaeModel", folder =>
    {
        using var model = new Latent.Vae.VaeModel(new Latent.Vae.VaeOptions { Latent = 2, Hidden = [4], Decoder = Latent.Vae.DecoderKind.Bernoulli }, [6]);
        model.Save(folder);
    }, folder =>
    {
        using var model = Latent.Vae.VaeModel.Load(folder);
    }, seed: 8);
}
