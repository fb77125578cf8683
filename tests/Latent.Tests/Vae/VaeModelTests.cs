using Latent.Vae;
using TorchSharp;
using static TorchSharp.torch;

namespace Latent.Tests.Vae;

public sealed class VaeModelTests : TorchTest, IDisposable
{
    private readonly string directory = Path.Combine(Path.GetTempPath(), $"latent-vae-tests-{Guid.NewGuid():N}");


    public void Dispose()
    {
        if (Directory.Exists(directory)) Directory.Delete(directory, recursive: true);
    }

    public static TheoryData<DecoderKind> Kinds => new() { DecoderKind.Bernoulli, DecoderKind.GaussianFixed, DecoderKind.GaussianLearned };

    [Theory]
    [MemberData(nameof(Kinds))]
    public void SaveThenLoadReproducesEveryOutputExactly(DecoderKind kind)
    {
        var architecture = new VaeArchitecture(30, new[] { 12, 8 }, 3, kind, Sigma: 0.2, VarianceFloor: 0.005);
        manual_seed(61);
        var model = architecture.Create();
        var x = TinyModels.Intensities(5, 30, seed: 62);
        var path = Path.Combine(directory, "model.vae");
        VaeCheckpoint.Save(path, architecture, model);
        var (loadedArchitecture, loaded) = VaeCheckpoint.Load(path);

        Assert.Equal(architecture.ToString(), loadedArchitecture.ToString());
        Assert.DoesNotContain(Directory.GetFiles(directory), f => f != path);
        using var noGrad = no_grad();
        Assert.True(TinyModels.Identical(model.Reconstruct(x), loaded.Reconstruct(x)));
        Assert.True(TinyModels.Identical(model.EncodeMeans(x), loaded.EncodeMeans(x)));
        using (var g1 = new Generator(63))
        using (var g2 = new Generator(63))
            Assert.True(TinyModels.Identical(model.SamplePrior(4, g1), loaded.SamplePrior(4, g2)));
        using (var g1 = new Generator(64))
        using (var g2 = new Generator(64))
            Assert.True(TinyModels.Identical(model.Elbo(x, g1).Elbo, loaded.Elbo(x, g2).Elbo));
    }

    [Fact]
    public void LoadingAMissingOrCorruptFileThrowsALatentException()
    {
        Directory.CreateDirectory(directory);
        Assert.Throws<LatentException>(() => VaeCheckpoint.Load(Path.Combine(directory, "absent.vae")));

        var garbage = Path.Combine(directory, "garbage.vae");
        File.WriteAllBytes(garbage, new byte[] { 1, 2, 3 });
        Assert.Throws<LatentException>(() => VaeCheckpoint.Load(garbage));

        var architecture = new VaeArchitecture(10, new[] { 4 }, 2, DecoderKind.Bernoulli);
        var truncated = Path.Combine(directory, "truncated.vae");
        VaeCheckpoint.Save(truncated, architecture, architecture.Create());
        var bytes = File.ReadAllBytes(truncated);
        File.WriteAllBytes(truncated, bytes[..(bytes.Length - 40)]);
        Assert.Throws<LatentException>(() => VaeCheckpoint.Load(truncated));
    }

    [Fact]
    public void ModelRegistersEncoderAndDecoderParameters()
    {
        var model = VaeArchitecture.MnistDefault.Create();
        var names = model.state_dict().Keys.ToList();
        Assert.Contains("encoder.trunk.fc0.weight", names);
        Assert.Contains("encoder.mean.weight", names);
        Assert.Contains("encoder.logVariance.bias", names);
        Assert.Contains("decoder.trunk.fc0.weight", names);
        Assert.Contains("decoder.logits.weight", names);
        long count = model.parameters().Sum(p => p.numel());
        Assert.Equal(784 * 400 + 400 + 2 * (400 * 20 + 20) + 20 * 400 + 400 + 400 * 784 + 784, count);
    }

    [Fact]
    public void OutputsHaveTheDocumentedShapes()
    {
        var model = new VaeArchitecture(30, new[] { 12 }, 2, DecoderKind.GaussianLearned).Create();
        var x = TinyModels.Intensities(5, 30, seed: 65);
        using var generator = new Generator(66);
        Assert.Equal(new long[] { 5, 2 }, model.EncodeMeans(x).shape);
        Assert.Equal(new long[] { 5, 30 }, model.Reconstruct(x).shape);
        Assert.Equal(new long[] { 7, 30 }, model.SamplePrior(7, generator).shape);
        Assert.Equal(new long[] { 9, 5 }, model.LogImportanceWeights(x, 9, generator).shape);
        Assert.Equal(new long[] { 5 }, model.EstimateLogLikelihood(x, 9, generator, maxRowsPerChunk: 10).shape);
    }

    [Fact]
    public void BadInputThrowsALatentException()
    {
        var model = new VaeArchitecture(30, new[] { 12 }, 2, DecoderKind.Bernoulli).Create();
        Assert.Throws<LatentException>(() => model.Elbo(zeros(4, 29)));
        Assert.Throws<LatentException>(() => model.ImportanceWeightedBound(zeros(4, 30), 0));
        Assert.Throws<LatentException>(() => new VariationalAutoencoder(new GaussianEncoder(30, new[] { 4 }, 2), new BernoulliDecoder(3, new[] { 4 }, 30)));
        Assert.Throws<LatentException>(() => new FixedGaussianDecoder(2, new[] { 4 }, 30, sigma: 0));
        Assert.Throws<LatentException>(() => VaeArchitecture.ParseDecoder("poisson"));
        Assert.Throws<LatentException>(() => new BinarizedImages(full(new long[] { 2, 3 }, double.NaN), Binarization.None, 1));
        Assert.Throws<LatentException>(() => new BinarizedImages(full(new long[] { 2, 3 }, 2.0), Binarization.None, 1));
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
