using System.Text.Json.Nodes;
using Latent.Data;
using Latent.IO;
using Latent.Vae;
using TorchSharp;
using static TorchSharp.torch;

namespace Latent.Tests.Vae;

public sealed class VaeModelTests : TorchTest, IDisposable
{
    private readonly string directory = Directory.CreateTempSubdirectory("latent-vae-model-").FullName;

    public void Dispose() => Directory.Delete(directory, recursive: true);

    public static TheoryData<DecoderKind> Kinds => new() { DecoderKind.Bernoulli, DecoderKind.GaussianFixed, DecoderKind.GaussianLearned };

    /// <summary>Images [N, 1, 4, 5] in [0, 1] for the Bernoulli decoder; standardised 7-D vectors for the Gaussians.</summary>
    private static Dataset DataFor(DecoderKind kind)
    {
        if (kind != DecoderKind.Bernoulli)
        {
            using var raw = TinyData.Vectors(train: 60, test: 20);
            return raw.Standardized();
        }
        var train = TinyModels.Intensities(60, 20, seed: 61).reshape(60, 1, 4, 5);
        var test = TinyModels.Intensities(20, 20, seed: 62).reshape(20, 1, 4, 5);
        return new Dataset(new DataPart(train, null), new DataPart(test, null), 0, null, "tiny images");
    }

    [Theory]
    [MemberData(nameof(Kinds))]
    public void SaveThenLoadReproducesEveryOutputExactly(DecoderKind kind)
    {
        using var data = DataFor(kind);
        var options = new VaeOptions { Latent = 3, Hidden = [12, 8], Decoder = kind, Sigma = 0.2, VarianceFloor = 0.005, Epochs = 2, BatchSize = 16, EvalIwaeSamples = 20, Seed = 63 };
        using var model = new VaeModel(options, data.ExampleShape);
        model.Fit(data);
        var folder = Path.Combine(directory, "model");
        model.Save(folder);
        using var loaded = VaeModel.Load(folder);

        Assert.Equal(model.ToString(), loaded.ToString());
        Assert.Equal(options.Hidden, loaded.Options.Hidden);
        Assert.Equal(options.Channels, loaded.Options.Channels);
        Assert.Equal(options with { Hidden = loaded.Options.Hidden, Channels = loaded.Options.Channels }, loaded.Options);
        Assert.Equal(data.ExampleShape, loaded.ExampleShape);
        Assert.Equal(data.Standardization?.Mean, loaded.Standardization?.Mean);
        Assert.Equal(data.Standardization?.Scale, loaded.Standardization?.Scale);
        var x = data.Test.Features;
        Assert.True(TinyModels.Identical(model.Reconstruct(x), loaded.Reconstruct(x)));
        Assert.True(TinyModels.Identical(model.Encode(x), loaded.Encode(x)));
        Assert.True(TinyModels.Identical(model.Sample(4, seed: 64), loaded.Sample(4, seed: 64)));
        Assert.Equal(model.Evaluate(data.Test), loaded.Evaluate(data.Test));
        Assert.Equal("vae", JsonNode.Parse(File.ReadAllText(Path.Combine(folder, "config.json")))!["kind"]!.GetValue<string>());
    }

    [Fact]
    public void AFolderOfAnotherKindOrAMissingOrCorruptOneIsRefusedInOneLine()
    {
        var other = Path.Combine(directory, "other");
        ModelFolder.Save(other, new ModelConfig("svgp", 2, [], new DataDescription(), TrainingRecord.Untrained(new JsonObject(), 0)), new Dictionary<string, Tensor>());
        Assert.Contains("holds a 'svgp' model, not a 'vae' model", Assert.Throws<LatentException>(() => VaeModel.Load(other)).Message);
        Assert.Contains("model folder not found", Assert.Throws<LatentException>(() => VaeModel.Load(Path.Combine(directory, "absent"))).Message);

        var folder = Path.Combine(directory, "model");
        using (var model = new VaeModel(new VaeOptions { Latent = 2, Hidden = [4], Decoder = DecoderKind.Bernoulli }, [10])) model.Save(folder);
        var weights = Path.Combine(folder, "model.safetensors");
        File.WriteAllBytes(weights, File.ReadAllBytes(weights)[..40]);
        var message = Assert.Throws<LatentException>(() => VaeModel.Load(folder)).Message;
        Assert.Contains("model.safetensors", message);
        Assert.DoesNotContain('\n', message);
        File.WriteAllText(Path.Combine(folder, "config.json"), "{");
        Assert.Contains("config.json: not valid JSON", Assert.Throws<LatentException>(() => VaeModel.Load(folder)).Message);
    }

    [Fact]
    public void ColourImagesOfAnySizeGetImageFiguresAndAManifoldForATwoDimensionalLatent()
    {
        using var model = new VaeModel(new VaeOptions { Latent = 2, Hidden = [8], Seed = 2, Decoder = DecoderKind.Bernoulli }, [3, 4, 5]);
        var test = new DataPart(TinyModels.Intensities(12, 60, seed: 3).reshape(12, 3, 4, 5), arange(12L) % 3);
        var written = VaeFigures.WriteAll(directory, model, test, seed: 4).Select(f => Path.GetFileName(f.Path)).ToList();
        Assert.Equal(["reconstructions.png", "samples.png", "manifold.png", "latent-means.png"], written);
        Assert.All(written, file => Assert.True(new FileInfo(Path.Combine(directory, file)).Length > 100));
    }

    [Fact]
    public void TheDefaultModelHasPyTorchStyleKeysAndTheKingmaWellingParameterCount()
    {
        using var model = new VaeModel(VaeOptions.Default with { Decoder = DecoderKind.Bernoulli }, [1, 28, 28]);
        var names = model.Network.state_dict().Keys.ToList();
        Assert.Contains("encoder.network.layers.0.weight", names);
        Assert.Contains("encoder.network.layers.1.bias", names);
        Assert.Contains("decoder.network.layers.0.weight", names);
        Assert.Contains("decoder.network.layers.1.bias", names);
        long count = model.Network.parameters().Sum(p => p.numel());
        Assert.Equal(784 * 400 + 400 + 2 * (400 * 20 + 20) + 20 * 400 + 400 + 400 * 784 + 784, count);
        Assert.Equal("784-400-20 bernoulli, elbo", model.ToString());
    }

    [Fact]
    public void OutputsHaveTheDocumentedShapes()
    {
        var network = VariationalAutoencoder.Create(new VaeOptions { Hidden = [12], Latent = 2, Decoder = DecoderKind.GaussianLearned }, 30);
        var x = TinyModels.Intensities(5, 30, seed: 65);
        using var generator = new Generator(66);
        Assert.Equal(new long[] { 5, 2 }, network.EncodeMeans(x).shape);
        Assert.Equal(new long[] { 5, 30 }, network.Reconstruct(x).shape);
        Assert.Equal(new long[] { 7, 30 }, network.SamplePrior(7, generator).shape);
        Assert.Equal(new long[] { 9, 5 }, network.LogImportanceWeights(x, 9, generator).shape);
        Assert.Equal(new long[] { 5 }, network.EstimateLogLikelihood(x, 9, generator, maxRowsPerChunk: 10).shape);

        using var model = new VaeModel(new VaeOptions { Hidden = [12], Latent = 2, Decoder = DecoderKind.Bernoulli }, [3, 2, 5]);
        var images = TinyModels.Intensities(4, 30, seed: 67).reshape(4, 3, 2, 5);
        Assert.Equal(new long[] { 4, 3, 2, 5 }, model.Reconstruct(images).shape);
        Assert.Equal(new long[] { 4, 2 }, model.Encode(images).shape);
        Assert.Equal(new long[] { 6, 3, 2, 5 }, model.Sample(6, seed: 1).shape);
        Assert.Equal(new long[] { 30 }, model.ReconstructionErrorPerFeature(new DataPart(images, null)).shape);
    }

    [Fact]
    public void AnUnsetDecoderIsChosenFromTheData()
    {
        using var vectors = TinyData.Vectors(train: 20, test: 5);
        var folder = Directory.CreateTempSubdirectory("latent-vae-auto-").FullName;
        using var images = DatasetLoader.Load(new DataOptions { Path = TinyData.WriteIdxFolder(folder) });
        Directory.Delete(folder, true);
        using var forVectors = VaeModel.For(vectors, new VaeOptions { Hidden = [4], Latent = 2 });
        using var forImages = VaeModel.For(images, new VaeOptions { Hidden = [4], Latent = 2 });
        using var chosen = VaeModel.For(vectors, new VaeOptions { Hidden = [4], Latent = 2, Decoder = DecoderKind.GaussianFixed });
        Assert.Equal(DecoderKind.GaussianLearned, forVectors.Options.Decoder);
        Assert.Equal(DecoderKind.Bernoulli, forImages.Options.Decoder);
        Assert.Equal(DecoderKind.GaussianFixed, chosen.Options.Decoder);
        Assert.Null(VaeOptions.Default.Decoder);
        Assert.Contains("VaeModel.For", Assert.Throws<LatentException>(() => new VaeModel(VaeOptions.Default, [4])).Message);
    }

    [Fact]
    public void BadInputThrowsALatentException()
    {
        var network = VariationalAutoencoder.Create(new VaeOptions { Hidden = [12], Latent = 2, Decoder = DecoderKind.Bernoulli }, 30);
        Assert.Throws<LatentException>(() => network.Elbo(zeros(4, 29)));
        Assert.Throws<LatentException>(() => network.ImportanceWeightedBound(zeros(4, 30), 0));
        Assert.Throws<LatentException>(() => new VariationalAutoencoder(new GaussianEncoder(30, new[] { 4 }, 2), new BernoulliDecoder(3, new[] { 4 }, 30)));
        Assert.Throws<LatentException>(() => new FixedGaussianDecoder(2, new[] { 4 }, 30, sigma: 0));
        Assert.Throws<LatentException>(() => VaeOptions.ParseDecoder("poisson"));
        Assert.Throws<LatentException>(() => new BinarizedImages(full(new long[] { 2, 3 }, double.NaN), Binarization.None, 1));
        Assert.Throws<LatentException>(() => new BinarizedImages(full(new long[] { 2, 3 }, 2.0), Binarization.Static, 1));
        Assert.Throws<LatentException>(() => new VaeModel(new VaeOptions { Latent = 0 }, [4]));
        Assert.Throws<LatentException>(() => new VaeModel(new VaeOptions { Objective = "iwae:5", KlWeight = 0 }, [4]));
        Assert.Throws<LatentException>(() => new VaeModel(new VaeOptions { Decoder = DecoderKind.Bernoulli }, [0]));

        using var vectors = TinyData.Vectors(train: 20, test: 5);
        using var bernoulli = new VaeModel(new VaeOptions { Hidden = [4], Latent = 2, Epochs = 1, Decoder = DecoderKind.Bernoulli }, vectors.ExampleShape);
        var message = Assert.Throws<LatentException>(() => bernoulli.Fit(vectors)).Message;
        Assert.Contains("tiny vectors: the bernoulli decoder needs features in [0, 1]", message);
        Assert.Contains("gaussian-learned", message);
        using var wrongShape = new VaeModel(new VaeOptions { Hidden = [4], Latent = 2, Decoder = DecoderKind.GaussianLearned }, [8]);
        Assert.Contains("the model was made for [8]", Assert.Throws<LatentException>(() => wrongShape.Fit(vectors)).Message);
        Assert.Throws<LatentException>(() => wrongShape.Encode(zeros(3, 7)));
        using var nan = new Dataset(new DataPart(full(new long[] { 4, 8 }, double.NaN).to(ScalarType.Float32), null), new DataPart(zeros(2, 8), null), 0, null, "nan data");
        Assert.Contains("nan data: features contain NaN", Assert.Throws<LatentException>(() => wrongShape.Fit(nan)).Message);
    }

    [Fact]
    public void BinarizationIsSeededStaticOrResampledPerEpoch()
    {
        var intensities = TinyModels.Intensities(200, 50, seed: 71);
        using var dynamic = new BinarizedImages(intensities, Binarization.Dynamic, seed: 5);
        using var sameSeed = new BinarizedImages(intensities, Binarization.Dynamic, seed: 5);
        using var fixedDraw = new BinarizedImages(intensities, Binarization.Static, seed: 5);
        using var continuous = new BinarizedImages(intensities, Binarization.None, seed: 5);

        var epoch0 = dynamic.ForEpoch(0);
        Assert.True(TinyModels.Identical(epoch0, sameSeed.ForEpoch(0)));
        Assert.False(TinyModels.Identical(epoch0, dynamic.ForEpoch(1)));
        Assert.True(TinyModels.Identical(fixedDraw.ForEpoch(0), fixedDraw.ForEpoch(3)));
        Assert.True(TinyModels.Identical(continuous.ForEpoch(2), intensities));
        Assert.True((epoch0.eq(0) | epoch0.eq(1)).all().item<bool>());
        double meanDifference = (epoch0 - intensities).mean().item<float>();
        Assert.InRange(meanDifference, -0.01, 0.01);
    }
}
