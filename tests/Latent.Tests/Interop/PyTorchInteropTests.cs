using System.Text.Json.Nodes;
using Latent.IO;
using Latent.Nn;
using Latent.Noisy;
using Latent.Tests.Noisy;
using Latent.Text;
using Latent.Vae;
using TorchSharp.PyBridge;
using Xunit.Abstractions;
using static TorchSharp.torch;

namespace Latent.Tests.Interop;

/// <summary>
/// PyTorch interop without PyTorch: python/latent_check.py (numpy only) recomputes a saved VAE's decoder and encoder, an LSTM
/// language model's logits and an MLP classifier's probabilities from the model folders, to 1e-5 of Latent's; and the other way,
/// weights written by numpy (safetensors) and by PyBridge's save_py (a torch.save state_dict) are imported with their shapes checked.
/// </summary>
public sealed class PyTorchInteropTests : TorchTest, IDisposable
{
    private const double Tolerance = 1e-5;
    private static readonly Lazy<string?> NumpyPython = new(() => PythonRunner.FindWith("numpy"));
    private readonly string directory = Directory.CreateTempSubdirectory("latent-interop-").FullName;
    private readonly ITestOutputHelper output;

    public PyTorchInteropTests(ITestOutputHelper output) => this.output = output;

    public void Dispose() => Directory.Delete(directory, recursive: true);

    [Theory]
    [InlineData(DecoderKind.Bernoulli)]
    [InlineData(DecoderKind.GaussianFixed)]
    [InlineData(DecoderKind.GaussianLearned)]
    public void NumpyRecomputesTheVaeDecoderAndEncoderFromTheSavedFolder(DecoderKind decoder)
    {
        using var model = new VaeModel(new VaeOptions { Latent = 3, Hidden = [16, 8], Decoder = decoder, Seed = 3 }, [2, 3, 2]);
        var folder = Path.Combine(directory, "vae");
        model.Save(folder);
        using var z = Random([5, 3], seed: 11) * 2;
        using var x = Random([4, 2, 3, 2], seed: 12);

        var numpy = RunCheck(new JsonObject { ["folder"] = folder, ["z"] = Json(z), ["x"] = Json(x) });

        using var noGrad = no_grad();
        var decoded = model.Network.Decode(z);
        var posterior = model.Network.Encode(x);
        var differences = new List<(string, double)>
        {
            ("decoder mean", MaxDifference(decoded.Mean, numpy["decoder_mean"])),
            ("encoder mean", MaxDifference(posterior.Mean, numpy["encoder_mean"])),
            ("encoder log-variance", MaxDifference(posterior.LogVariance, numpy["encoder_log_variance"])),
        };
        if (decoded is Latent.Distributions.DiagonalGaussian gaussian)
            differences.Add(("decoder log-variance", MaxDifference(gaussian.LogVariance, numpy["decoder_log_variance"])));
        Report($"vae ({VaeOptions.DecoderName(decoder)})", differences);
    }

    [Theory]
    [InlineData(true, 1, "lstm", "full")]
    [InlineData(false, 2, "lstm", "full")]
    [InlineData(true, 2, "gru", "full")]
    [InlineData(false, 1, "gru", "adaptive")]
    public void NumpyRecomputesTheLanguageModelsRecurrentStepsAndLogits(bool tie, int layers, string cell, string softmax)
    {
        var model = FittedLanguageModel(tie, layers, seed: 5, cell, softmax);
        var folder = Path.Combine(directory, "lm");
        model.Save(folder);
        string[] words = ["the", "cat", "sat", "on"];

        var numpy = RunCheck(new JsonObject { ["folder"] = folder, ["tokens"] = new JsonArray(words.Select(w => (JsonNode)model.Vocabulary.IndexOf(w)).ToArray()) });

        var rows = numpy["logits"]!.AsArray();
        Assert.Equal(words.Length, rows.Count);
        var differences = new List<(string, double)>();
        for (int t = 0; t < words.Length; t++)
        {
            using var latent = tensor(model.NextWordLogits(string.Join(' ', words.Take(t + 1))));
            differences.Add(($"logits after {t + 1} words", MaxDifference(latent, rows[t])));
        }
        Report($"lstm-lm ({cell}, {softmax} softmax, {(tie ? "tied" : "untied")}, {layers} layer{(layers > 1 ? "s" : "")})", differences);
    }

    [Fact]
    public void NumpyRecomputesTheMlpClassifiersProbabilities()
    {
        using var data = NoisyClassifierTests.Separable(3, images: true, trainCount: 12, testCount: 6);
        using var model = MlpClassifier.For(data, MlpClassifierOptions.Default with { Hidden = [8, 5] });
        var folder = Path.Combine(directory, "mlp");
        model.Save(folder);

        var numpy = RunCheck(new JsonObject { ["folder"] = folder, ["x"] = Json(data.Test.Features) });

        using var probabilities = model.PredictProba(data.Test.Features);
        Report("mlp-classifier", [("class probabilities", MaxDifference(probabilities, numpy["proba"]))]);
    }

    [Theory]
    [InlineData("matern52+white", true, false, false)]
    [InlineData("se*linear+constant", false, true, true)]
    public void NumpyRecomputesTheSvgpLatentPredictions(string kernel, bool whiten, bool diagonal, bool ard)
    {
        using var data = NoisyClassifierTests.Separable(3, images: false, trainCount: 12, testCount: 6);
        using var standardized = data.Standardized();
        using var model = new Latent.Gp.SvgpClassifier(new Latent.Gp.SvgpClassifierOptions
        {
            Kernel = kernel, Whiten = whiten, QDiagonal = diagonal, Ard = ard, Inducing = "every:4", Iterations = 3, BatchSize = 6,
        });
        model.Fit(standardized);
        var folder = Path.Combine(directory, "svgp");
        model.Save(folder);

        var numpy = RunCheck(new JsonObject { ["folder"] = folder, ["x"] = Json(standardized.Test.Features) });

        var (mean, variance) = model.PredictF(standardized.Test.Features);
        Report($"svgp ({kernel}, {(whiten ? "whitened" : "not whitened")}, {(diagonal ? "diagonal" : "full")} q)",
            [("f mean", MaxDifference(mean, numpy["f_mean"])), ("f variance", MaxDifference(variance, numpy["f_variance"]))]);
    }

    [Fact]
    public void AFolderWhoseWeightsNumpyWroteLoadsAndImportsWithTheOutputsNumpyComputes()
    {
        var options = new VaeOptions { Latent = 2, Hidden = [8], Decoder = DecoderKind.GaussianLearned, Seed = 4 };
        using var model = new VaeModel(options, 6);
        var folder = Path.Combine(directory, "vae");
        model.Save(folder);
        var rewritten = Path.Combine(directory, "rewritten");
        using var z = Random([3, 2], seed: 13);

        var numpy = RunCheck(new JsonObject { ["folder"] = folder, ["z"] = Json(z), ["rewrite_to"] = rewritten, ["factor"] = 0.5 });

        using var noGrad = no_grad();
        using var loaded = VaeModel.Load(rewritten);
        using var imported = new VaeModel(options with { Seed = 9 }, 6);
        imported.ImportWeights(Path.Combine(rewritten, ModelFolder.WeightsFile));
        Report("vae (weights written by numpy, ×0.5)",
        [
            ("Load: decoder mean", MaxDifference(loaded.Network.Decode(z).Mean, numpy["decoder_mean"])),
            ("ImportWeights: decoder mean", MaxDifference(imported.Network.Decode(z).Mean, numpy["decoder_mean"])),
        ]);
        // The halved weights really changed the model.
        Assert.True(MaxDifference(model.Network.Decode(z).Mean, numpy["decoder_mean"]) > 1e-3);
    }

    [Fact]
    public void AVaeStateDictThatPyTorchSavedImportsAndGivesPyTorchsOutputs()
    {
        // Fixtures/torch-vae.pt is torch.save(vae.state_dict()) from real PyTorch, with its outputs in torch-vae.json (Fixtures/make_torch_vae.py).
        var fixtures = Path.Combine(PythonRunner.RepositoryRoot("latent_check.py"), "tests", "Latent.Tests", "Interop", "Fixtures");
        var expected = JsonNode.Parse(File.ReadAllText(Path.Combine(fixtures, "torch-vae.json")))!.AsObject();
        using var model = new VaeModel(new VaeOptions { Latent = 2, Hidden = [8], Decoder = DecoderKind.GaussianLearned }, 6);
        model.ImportWeights(Path.Combine(fixtures, "torch-vae.pt"));

        using var z = FromJson(expected["z"]!, [4, 2]);
        using var x = FromJson(expected["x"]!, [3, 6]);
        using var noGrad = no_grad();
        var decoded = (Latent.Distributions.DiagonalGaussian)model.Network.Decode(z);
        Report("vae (weights saved by PyTorch's torch.save)",
        [
            ("decoder mean", MaxDifference(decoded.Mean, expected["decoder_mean"])),
            ("decoder log-variance", MaxDifference(decoded.LogVariance, expected["decoder_log_variance"])),
            ("encoder mean", MaxDifference(model.Encode(x), expected["encoder_mean"])),
        ], reference: "PyTorch");
    }

    [Fact]
    public void AVaeStateDictSavedByPyBridgeImportsIntoAFreshModelAndAWrongShapeIsRefusedInOneLine()
    {
        var options = new VaeOptions { Latent = 2, Hidden = [8], Seed = 1, Decoder = DecoderKind.Bernoulli };
        using var source = new VaeModel(options, 6);
        var pt = Path.Combine(directory, "vae.pt");
        source.Network.save_py(pt);
        using var x = Random([4, 6], seed: 14).sigmoid();

        using var fresh = new VaeModel(options with { Seed = 2 }, 6);
        Assert.NotEqual(Values(source.Reconstruct(x)), Values(fresh.Reconstruct(x)));
        fresh.ImportWeights(pt);
        Assert.Equal(Values(source.Reconstruct(x)), Values(fresh.Reconstruct(x)));

        using var wider = new VaeModel(options with { Hidden = [9] }, 6);
        var before = Values(wider.Reconstruct(x));
        var error = Assert.Throws<LatentException>(() => wider.ImportWeights(pt));
        Assert.Equal($"{pt}: weight 'encoder.network.layers.0.weight' has shape [8, 6], the model expects [9, 6]", error.Message);
        Assert.Equal(before, Values(wider.Reconstruct(x)));
    }

    [Fact]
    public void ClassifierStateDictsSavedByPyBridgeImportAndAWrongClassCountIsRefused()
    {
        using var data = NoisyClassifierTests.Separable(3, images: false, trainCount: 12, testCount: 6);
        // A state_dict of the same layers as the classifier's network, written by PyBridge as torch.save writes it.
        using var network = new Mlp([6, 4, 3]);
        var pt = Path.Combine(directory, "mlp.pt");
        network.save_py(pt);
        using var classifier = MlpClassifier.For(data, MlpClassifierOptions.Default with { Hidden = [4], Seed = 2 });
        classifier.ImportWeights(pt);
        using (no_grad())
            Assert.Equal(Values(network.forward(data.Test.Features).softmax(1)), Values(classifier.PredictProba(data.Test.Features)));
        using var fourClasses = new MlpClassifier(MlpClassifierOptions.Default with { Hidden = [4] }, data.ExampleShape, 4);
        var error = Assert.Throws<LatentException>(() => fourClasses.ImportWeights(pt));
        Assert.Contains("weight 'layers.1.weight' has shape [3, 4], the model expects [4, 4]", error.Message);

        using var noisy = NoisyClassifier.For(data, NoisyTrainingOptions.Default with { HiddenUnits = 4, Seed = 1 });
        var noisyFolder = Path.Combine(directory, "noisy");
        noisy.Save(noisyFolder);
        var safetensors = Path.Combine(noisyFolder, ModelFolder.WeightsFile);
        using var other = NoisyClassifier.For(data, NoisyTrainingOptions.Default with { HiddenUnits = 4, Seed = 2 });
        other.ImportWeights(safetensors);
        Assert.Equal(Values(noisy.PredictProba(data.Test.Features)), Values(other.PredictProba(data.Test.Features)));
        Assert.Equal(noisy.Transition(), other.Transition());
    }

    [Fact]
    public void ALanguageModelImportsAPyBridgeStateDictAndATiedProjectionOnlyWhenItIsTheEmbedding()
    {
        var source = FittedLanguageModel(tie: true, layers: 1, seed: 5);
        var folder = Path.Combine(directory, "lm");
        source.Save(folder);
        using (no_grad())
            foreach (var parameter in source.Network.parameters()) parameter.mul_(0.5);
        var pt = Path.Combine(directory, "lm.pt");
        source.Network.save_py(pt);
        var target = LanguageModel.Load(folder);
        Assert.NotEqual(source.NextWordLogits("the cat"), target.NextWordLogits("the cat"));
        target.ImportWeights(pt);
        Assert.Equal(source.NextWordLogits("the cat"), target.NextWordLogits("the cat"));

        // PyTorch's state_dict of a tied model lists the matrix twice, as embedding.weight and projection.weight.
        var tied = Path.Combine(directory, "tied.safetensors");
        var weights = source.Network.state_dict().ToDictionary(p => p.Key, p => p.Value);
        weights["projection.weight"] = source.Network.EmbeddingWeight.clone();
        Safetensors.SaveStateDict(tied, weights);
        var fresh = LanguageModel.Load(folder);
        fresh.ImportWeights(tied);
        Assert.Equal(source.NextWordLogits("the cat"), fresh.NextWordLogits("the cat"));

        weights["projection.weight"] = source.Network.EmbeddingWeight + 1;
        Safetensors.SaveStateDict(tied, weights);
        var error = Assert.Throws<LatentException>(() => fresh.ImportWeights(tied));
        Assert.Equal($"{tied}: projection.weight differs from embedding.weight, but the model ties them", error.Message);
        Assert.Equal(source.NextWordLogits("the cat"), fresh.NextWordLogits("the cat"));
    }

    [Fact]
    public void FilesThatAreNotWeightsAreRefusedInOneLine()
    {
        using var model = new VaeModel(new VaeOptions { Latent = 2, Hidden = [4], Decoder = DecoderKind.Bernoulli }, 6);
        var zip = Path.Combine(directory, "broken.pt");
        File.WriteAllBytes(zip, [0x50, 0x4B, 0x03, 0x04, 1, 2, 3]);
        var text = Path.Combine(directory, "notes.safetensors");
        File.WriteAllText(text, "hello");
        foreach (var (path, expected) in new[]
        {
            (zip, "not a readable PyTorch state_dict"), (text, "not a readable safetensors file"),
            (directory, "is a folder"), (Path.Combine(directory, "missing.pt"), "weights file not found"),
        })
        {
            var error = Assert.Throws<LatentException>(() => model.ImportWeights(path));
            Assert.Contains(expected, error.Message);
            Assert.StartsWith(path, error.Message);
            Assert.DoesNotContain('\n', error.Message);
        }
    }

    [Fact]
    public void AVaeFolderHoldsEachWeightOnceUnderPyTorchKeysAndOlderFoldersWithTheDuplicateDecoderStillLoad()
    {
        using var model = new VaeModel(new VaeOptions { Latent = 2, Hidden = [4], Decoder = DecoderKind.Bernoulli }, 6);
        var folder = Path.Combine(directory, "vae");
        model.Save(folder);
        string[] expected =
        [
            "encoder.network.layers.0.weight", "encoder.network.layers.0.bias", "encoder.network.layers.1.weight", "encoder.network.layers.1.bias",
            "decoder.network.layers.0.weight", "decoder.network.layers.0.bias", "decoder.network.layers.1.weight", "decoder.network.layers.1.bias",
        ];
        var saved = ModelFolder.ReadWeights(folder);
        Assert.Equal(expected.Order(), saved.Keys.Order());

        // Folders written before this fix also held the decoder under its property's backing field.
        foreach (var key in expected.Where(k => k.StartsWith("decoder.", StringComparison.Ordinal)))
            saved["<Decoder>k__BackingField." + key["decoder.".Length..]] = saved[key].clone();
        Safetensors.SaveStateDict(Path.Combine(folder, ModelFolder.WeightsFile), saved);
        using var loaded = VaeModel.Load(folder);
        using var x = Random([3, 6], seed: 15).sigmoid();
        Assert.Equal(Values(model.Reconstruct(x)), Values(loaded.Reconstruct(x)));
    }

    private static LanguageModel FittedLanguageModel(bool tie, int layers, int seed, string cell = "lstm", string softmax = "full")
    {
        string[] cycle = ["the", "cat", "sat", "on", "the", "mat", "."];
        var tokens = Enumerable.Range(0, 300).Select(i => cycle[i % cycle.Length]).ToList();
        // Hidden size 32: a multiple of 32, where libtorch's float32 LSTM is right on every CPU (DESIGN.md §3).
        var model = new LanguageModel(new LanguageModelOptions
        {
            Cell = cell, Softmax = softmax, Cutoffs = softmax == "adaptive" ? [2, 4] : null, EmbeddingSize = 32, HiddenSize = 32, Layers = layers, TieWeights = tie, MinCount = 1, Epochs = 1, BatchSize = 4, Bptt = 10, Seed = seed,
        });
        model.Fit(tokens, tokens.Take(70).ToList());
        return model;
    }

    private static Tensor Random(long[] shape, long seed)
    {
        using var generator = new Generator((ulong)seed);
        return randn(shape, generator: generator);
    }

    private static Tensor FromJson(JsonNode values, long[] shape) => tensor(Flatten(values).Select(v => (float)v).ToArray(), shape);

    private static float[] Values(Tensor t)
    {
        using (t) return t.contiguous().data<float>().ToArray();
    }

    private static JsonArray Json(Tensor t)
    {
        var flat = t.reshape(t.shape[0], -1).to(ScalarType.Float64);
        return new JsonArray(Enumerable.Range(0, (int)flat.shape[0])
            .Select(i => (JsonNode)new JsonArray(flat[i].data<double>().ToArray().Select(v => (JsonNode)v).ToArray())).ToArray());
    }

    private static double MaxDifference(Tensor latent, JsonNode? numpy)
    {
        var expected = Flatten(numpy ?? throw new Xunit.Sdk.XunitException("the numpy check returned no such output")).ToArray();
        var actual = latent.to(ScalarType.Float64).contiguous().data<double>().ToArray();
        Assert.Equal(actual.Length, expected.Length);
        return actual.Zip(expected, (a, b) => Math.Abs(a - b)).Max();
    }

    private static IEnumerable<double> Flatten(JsonNode node) =>
        node is JsonArray array ? array.SelectMany(item => Flatten(item!)) : [node.GetValue<double>()];

    private void Report(string model, IReadOnlyList<(string What, double Difference)> differences, string reference = "numpy")
    {
        foreach (var (what, difference) in differences) output.WriteLine($"{model}: {what}: max |Latent − {reference}| = {difference:E2}");
        foreach (var (what, difference) in differences) Assert.True(difference < Tolerance, $"{model}: {what} differs from {reference}'s by {difference:E2}");
    }

    /// <summary>Runs python/latent_check.py on a request and returns its JSON outputs.</summary>
    private JsonObject RunCheck(JsonObject request)
    {
        var python = NumpyPython.Value ?? throw new Xunit.Sdk.XunitException(
            "no Python with numpy: neither 'python3' nor '/usr/bin/python3' can import numpy (install python3-numpy; .ci/run does)");
        var requestPath = Path.Combine(directory, "request.json");
        File.WriteAllText(requestPath, request.ToJsonString());
        var (code, stdout, stderr) = PythonRunner.Run(python, [Path.Combine(PythonRunner.RepositoryRoot("latent_check.py"), "python", "latent_check.py"), requestPath], timeoutSeconds: 60);
        Assert.True(code == 0, $"latent_check.py failed ({code}): {stderr}");
        return JsonNode.Parse(stdout)!.AsObject();
    }
}
