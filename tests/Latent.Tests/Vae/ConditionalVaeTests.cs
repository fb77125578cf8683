using Latent.Data;
using Latent.IO;
using Latent.Vae;
using static TorchSharp.torch;

namespace Latent.Tests.Vae;

public sealed class ConditionalVaeTests : TorchTest, IDisposable
{
    private readonly string directory = Directory.CreateTempSubdirectory("latent-cvae-").FullName;

    public void Dispose() => Directory.Delete(directory, recursive: true);

    [Theory]
    [InlineData("mlp")]
    [InlineData("conv")]
    public void SamplesOfAClassShowThatClasssBand(string architecture)
    {
        // Class k of the tiny images is a bright band in rows 2k and 2k + 1: a conditional decoder must put it there for every code.
        using var data = DatasetLoader.Load(new DataOptions { Path = TinyData.WriteIdxFolder(Path.Combine(directory, "idx")) });
        using var model = VaeModel.For(data, new VaeOptions { Architecture = architecture, Channels = [8, 16], Hidden = [32], Latent = 2, Conditional = true, Epochs = 40, BatchSize = 8, LearningRate = 5e-3, Ema = 0, EvalIwaeSamples = 10, Seed = 1 });
        model.Fit(data);
        Assert.True(model.IsConditional);
        Assert.Equal(3, model.ClassCount);
        for (int k = 0; k < 3; k++)
        {
            var rows = model.Sample(50, seed: 2, classIndex: k).mean([0L, 1L, 3L]);
            var band = rows.narrow(0, 2 * k, 2).mean().item<float>();
            var rest = (rows.sum().item<float>() - 2 * band) / 4;
            Assert.True(band > rest + 0.3, $"{architecture}, class {k}: band intensity {band:F3}, other rows {rest:F3}");
        }
        // A classifier that picks the brightest pair of rows labels the samples of each class as that class.
        Tensor BrightestBand(Tensor images) => images.mean([1L, 3L]).reshape(images.shape[0], 3, 2).mean([2L]).argmax(1);
        Assert.Equal(1.0, VaeDiagnostics.ClassAccuracy(model, BrightestBand, 20, seed: 3));
        var metrics = model.Evaluate(data.Test);
        Assert.True(double.IsFinite(metrics.TestNegativeElbo) && double.IsFinite(metrics.TestIwaeLogLikelihood!.Value));
    }

    [Fact]
    public void SamplesComeInTheDataUnitsWithTheDocumentedShape()
    {
        using var raw = TinyData.Vectors(train: 200, test: 50);
        using var data = raw.Standardized();
        using var model = VaeModel.For(data, new VaeOptions { Hidden = [16], Latent = 2, Conditional = true, Epochs = 5, BatchSize = 32, EvalIwaeSamples = 0, Seed = 3 });
        model.Fit(data);
        var standardized = model.Sample(400, seed: 4, classIndex: 1);
        var original = model.SampleInDataUnits(400, seed: 4, classIndex: 1);
        Assert.Equal(new long[] { 400, 7 }, original.shape);
        Assert.True(TinyModels.Identical(original, data.Standardization!.Invert(standardized)));
        // Raw features are about 5 on average; standardised ones about 0.
        double rawMean = raw.Train.Features.mean().item<float>(), sampleMean = original.mean().item<float>();
        Assert.InRange(rawMean, 3, 7);
        Assert.True(Math.Abs(sampleMean - rawMean) < 1.5, $"samples average {sampleMean}, the data {rawMean}");
        Assert.True(Math.Abs(standardized.mean().item<float>()) < 1.5);

        var path = VaeFigures.WriteSampleFile(Path.Combine(directory, "samples.npy"), model, 9, 0, seed: 5);
        var array = NpyReader.Read(path);
        Assert.Equal(new long[] { 9, 7 }, array.Shape);
        Assert.True(TinyModels.Identical(array.ToFeatures(), model.SampleInDataUnits(9, seed: 5, classIndex: 0)));
        Assert.Contains("not one of this model's classes 0 to 1", Assert.Throws<LatentException>(() => model.Sample(3, classIndex: 2)).Message);
        Assert.Contains(".npy or .png", Assert.Throws<LatentException>(() => VaeFigures.WriteSampleFile(Path.Combine(directory, "s.csv"), model, 3, null, 1)).Message);
        Assert.Contains("needs a model of images", Assert.Throws<LatentException>(() => VaeFigures.WriteSampleFile(Path.Combine(directory, "s.png"), model, 3, null, 1)).Message);
    }

    [Fact]
    public void ConditionalNeedsLabelsAndAnUnconditionalModelTakesNoClass()
    {
        using var unlabelled = new Dataset(new DataPart(rand(10, 4), null), new DataPart(rand(4, 4), null), 0, null, "unlabelled.npy");
        var message = Assert.Throws<LatentException>(() => VaeModel.For(unlabelled, new VaeOptions { Conditional = true })).Message;
        Assert.Contains("unlabelled.npy: a conditional VAE needs labelled data", message);
        Assert.DoesNotContain('\n', message);
        using var plain = new VaeModel(new VaeOptions { Hidden = [4], Latent = 2, Decoder = DecoderKind.Bernoulli }, [4]);
        Assert.Contains("not conditional", Assert.Throws<LatentException>(() => plain.Sample(2, classIndex: 0)).Message);
        using var conditional = new VaeModel(new VaeOptions { Hidden = [4], Latent = 2, Decoder = DecoderKind.Bernoulli, Conditional = true }, [4], ["x", "y"]);
        Assert.Contains("needs the class", Assert.Throws<LatentException>(() => conditional.Encode(rand(3, 4))).Message);
        Assert.Contains("class labels must lie in 0..1", Assert.Throws<LatentException>(() => conditional.Encode(rand(3, 4), tensor(new long[] { 0, 1, 2 }))).Message);
        Assert.Equal(new long[] { 4, 4 }, conditional.Sample(4).shape);
    }
}
