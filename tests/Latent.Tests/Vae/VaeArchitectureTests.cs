using System.Text.Json.Nodes;
using Latent.Data;
using Latent.Vae;
using TorchSharp;
using static TorchSharp.torch;

namespace Latent.Tests.Vae;

public sealed class VaeArchitectureTests : TorchTest, IDisposable
{
    private readonly string directory = Directory.CreateTempSubdirectory("latent-vae-architecture-").FullName;

    public void Dispose() => Directory.Delete(directory, recursive: true);

    private static VaeOptions Conv(DecoderKind decoder) => new() { Architecture = "conv", Channels = [4, 8], Hidden = [16], Latent = 3, Decoder = decoder, Seed = 5 };

    [Theory]
    [InlineData(1, 28, 28)]
    [InlineData(3, 32, 32)]
    [InlineData(2, 5, 7)]
    [InlineData(1, 1, 1)]
    [InlineData(3, 6, 9)]
    public void TheConvArchitectureTakesImagesOfAnySizeAndChannelCountAndReproducesTheirShape(long channels, long height, long width)
    {
        foreach (var decoder in new[] { DecoderKind.Bernoulli, DecoderKind.GaussianLearned })
        {
            using var model = new VaeModel(Conv(decoder), [channels, height, width]);
            var images = TinyModels.Intensities(4, channels * height * width, seed: 9).reshape(4, channels, height, width);
            using var generator = new Generator(10);
            Assert.Equal(new long[] { 4, channels, height, width }, model.Reconstruct(images).shape);
            Assert.Equal(new long[] { 4, 3 }, model.Encode(images).shape);
            Assert.Equal(new long[] { 6, channels, height, width }, model.Sample(6, seed: 1).shape);
            Assert.Equal(new long[] { 5, 4 }, model.Network.LogImportanceWeights(images, 5, generator).shape);
            Assert.Equal(new long[] { 4 }, model.Network.Elbo(images, generator, samples: 3).Elbo.shape);
            Assert.StartsWith($"{channels}x{height}x{width}-c4-c8-16-3 ", model.ToString());
        }
    }

    [Fact]
    public void StrideTwoSizesHalveRoundingUp()
    {
        Assert.Equal(new long[] { 28, 14, 7 }, ConvArchitecture.Sizes(28, 2));
        Assert.Equal(new long[] { 5, 3, 2 }, ConvArchitecture.Sizes(5, 2));
        Assert.Equal(new long[] { 32, 16, 8, 4 }, ConvArchitecture.Sizes(32, 3));
    }

    [Theory]
    [InlineData(DecoderKind.Bernoulli)]
    [InlineData(DecoderKind.GaussianLearned)]
    public void TheConvDecodersDataMeanBiasMakesTheDecodedMeanThePerPixelDataMean(DecoderKind decoder)
    {
        using var model = new VaeModel(Conv(decoder), [2, 5, 7]);
        var data = (TinyModels.Intensities(30, 70, seed: 11).reshape(30, 2, 5, 7) * 0.8 + 0.1).contiguous();
        model.Network.InitializeOutputBias(data);
        using (no_grad())
            foreach (var (name, parameter) in model.Network.named_parameters())
                if (name.StartsWith("decoder.", StringComparison.Ordinal) && !name.EndsWith(".bias", StringComparison.Ordinal)) parameter.zero_();
        var mean = model.Network.Decode(zeros(3, 3)).Mean;
        var expected = data.mean([0L]).expand(3, 2, 5, 7);
        Assert.True((mean - expected).abs().max().item<float>() < 1e-5, $"decoded mean differs from the data mean by {(mean - expected).abs().max().item<float>()}");
    }

    [Fact]
    public void TheConvArchitectureRefusesVectorsInOneLine()
    {
        var message = Assert.Throws<LatentException>(() => new VaeModel(Conv(DecoderKind.GaussianLearned), [7])).Message;
        Assert.Contains("the conv architecture needs images [channels, height, width]", message);
        Assert.Contains("unknown architecture 'resnet'", Assert.Throws<LatentException>(() => new VaeModel(Conv(DecoderKind.Bernoulli) with { Architecture = "resnet" }, [1, 4, 4])).Message);
    }

    [Theory]
    [InlineData(false)]
    [InlineData(true)]
    public void AConvModelSavesItsArchitectureAndReloadsWithIdenticalOutputs(bool conditional)
    {
        var train = TinyModels.Intensities(24, 3 * 5 * 6, seed: 12).reshape(24, 3, 5, 6);
        var test = TinyModels.Intensities(8, 3 * 5 * 6, seed: 13).reshape(8, 3, 5, 6);
        using var data = new Dataset(new DataPart(train, arange(24L) % 3), new DataPart(test, arange(8L) % 3), 3, ["a", "b", "c"], "tiny colour images");
        using var model = VaeModel.For(data, Conv(DecoderKind.Bernoulli) with { Epochs = 1, BatchSize = 8, EvalIwaeSamples = 5, Conditional = conditional });
        model.Fit(data);
        var folder = Path.Combine(directory, "model");
        model.Save(folder);
        using var loaded = VaeModel.Load(folder);

        var config = JsonNode.Parse(File.ReadAllText(Path.Combine(folder, "config.json")))!;
        Assert.Equal("conv", config["architecture"]!["network"]!.GetValue<string>());
        Assert.Equal("[4,8]", config["architecture"]!["channels"]!.ToJsonString());
        Assert.Equal(conditional, config["architecture"]!["conditional"]!.GetValue<bool>());
        Assert.Equal(model.ToString(), loaded.ToString());
        Assert.Equal(conditional ? ["a", "b", "c"] : [], loaded.ClassNames);
        var labels = conditional ? data.Test.Labels : null;
        Assert.True(TinyModels.Identical(model.Reconstruct(test, labels), loaded.Reconstruct(test, labels)));
        Assert.True(TinyModels.Identical(model.Sample(5, seed: 3), loaded.Sample(5, seed: 3)));
        Assert.Equal(model.Evaluate(data.Test), loaded.Evaluate(data.Test));
    }

    [Fact]
    public void AnMlpFolderWrittenBeforeArchitecturesExistedStillLoads()
    {
        using var model = new VaeModel(new VaeOptions { Latent = 2, Hidden = [6], Decoder = DecoderKind.Bernoulli, Seed = 3 }, [1, 3, 4]);
        var folder = Path.Combine(directory, "old");
        model.Save(folder);
        var path = Path.Combine(folder, "config.json");
        var config = JsonNode.Parse(File.ReadAllText(path))!.AsObject();
        foreach (var key in new[] { "network", "conditional" }) config["architecture"]!.AsObject().Remove(key);
        foreach (var key in new[] { "architecture", "channels", "conditional" }) config["training"]!["options"]!.AsObject().Remove(key);
        File.WriteAllText(path, config.ToJsonString());

        using var loaded = VaeModel.Load(folder);
        Assert.Equal("mlp", loaded.Options.Architecture);
        Assert.False(loaded.IsConditional);
        var x = TinyModels.Intensities(3, 12, seed: 4).reshape(3, 1, 3, 4);
        Assert.True(TinyModels.Identical(model.Reconstruct(x), loaded.Reconstruct(x)));
    }
}
