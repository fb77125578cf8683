using Latent.Models;
using Latent.Gp;
using Latent.Nn;
using Latent.Noisy;
using Latent.Studies;
using Latent.Tests.Gp;
using Latent.Tests.Noisy;
using Latent.Tests.Vae;
using Latent.Text;
using Latent.Vae;
using TorchSharp;
using static TorchSharp.torch;

namespace Latent.Tests.Devices;

/// <summary>
/// Every model family, fitted, evaluated, asked for predictions, saved and loaded on a device, keeps every parameter, buffer and
/// returned tensor there; the device is a run-time choice that config.json never records.
/// </summary>
public sealed class DeviceTests : TorchTest, IDisposable
{
    private readonly string dir = Directory.CreateTempSubdirectory("latent-devices-").FullName;

    public void Dispose() => Directory.Delete(dir, true);

    /// <summary>The devices the cycles run on.</summary>
    public static TheoryData<string> Devices() => OnDevice.Names();

    [Fact]
    public void TheAssertionCatchesATensorOnAnotherDevice()
    {
        using var meta = empty(3, device: new Device(DeviceType.META));
        Assert.False(OnDevice.Matches(CPU, meta));
        Assert.True(OnDevice.Matches(CPU, zeros(1)));
        Assert.ThrowsAny<Xunit.Sdk.XunitException>(() => OnDevice.Tensor(CPU, meta, "a meta tensor"));
    }

    [Theory]
    [MemberData(nameof(Devices))]
    public void SvgpClassifierStaysOnItsDevice(string name)
    {
        using var data = SvgpClassifierTests.Clusters(3, 4);
        using var classifier = new SvgpClassifier(new SvgpClassifierOptions { Inducing = "first:6", Iterations = 3, BatchSize = 20, Device = name });
        var device = classifier.Device;
        classifier.Fit(data);
        OnDevice.Module(device, classifier.Model);
        Assert.InRange(classifier.Evaluate(data.Test).Accuracy, 0, 1);
        var (mean, variance) = classifier.PredictY(data.Test.Features);
        var (fMean, fVariance) = classifier.PredictF(data.Test.Features);
        using var samples = classifier.PredictFSamples(data.Test.Features, 2);
        using var links = classifier.LinkProbabilities(samples);
        OnDevice.Tensors(device, (mean, "predict_y mean"), (variance, "predict_y variance"), (fMean, "predict_f mean"), (fVariance, "predict_f variance"), (samples, "f samples"), (links, "link probabilities"));
        var folder = Path.Combine(dir, "svgp");
        OnDevice.SavedInPlace(device, classifier.Model, classifier.Save, folder);
        using var loaded = SvgpClassifier.Load(folder, name);
        OnDevice.Reloaded(device, loaded.Model, loaded.PredictY(data.Test.Features).Mean, mean, "predict_y means");
    }

    [Theory]
    [MemberData(nameof(Devices))]
    public void VaeStaysOnItsDevice(string name)
    {
        using var data = TinyData.Vectors(train: 40, test: 12);
        using var model = VaeModel.For(data, new VaeOptions { Latent = 2, Hidden = [8], Epochs = 2, BatchSize = 16, EvalIwaeSamples = 3, Device = name });
        var device = model.Device;
        model.Fit(data);
        OnDevice.Module(device, model.Network);
        Assert.NotNull(model.Evaluate(data.Test).TestIwaeLogLikelihood);
        using var codes = model.Encode(data.Test.Features);
        OnDevice.Tensors(device, (codes, "codes"), (model.Reconstruct(data.Test.Features), "reconstructions"), (model.Sample(4), "samples"),
            (model.ReconstructionErrorPerFeature(data.Test), "reconstruction errors"));
        var folder = Path.Combine(dir, "vae");
        OnDevice.SavedInPlace(device, model.Network, model.Save, folder);
        using var loaded = VaeModel.Load(folder, name);
        OnDevice.Reloaded(device, loaded.Network, loaded.Encode(data.Test.Features), codes, "codes");
    }

    [Theory]
    [MemberData(nameof(Devices))]
    public void MlpClassifierStaysOnItsDevice(string name)
    {
        using var data = NoisyClassifierTests.Separable(3, images: false, trainCount: 60, testCount: 30);
        using var model = MlpClassifier.For(data, new MlpClassifierOptions { Hidden = [8], Epochs = 2, BatchSize = 16, Device = name });
        var device = model.Device;
        model.Fit(data);
        OnDevice.Module(device, model.Network);
        Assert.InRange(model.Evaluate(data.Test).Accuracy, 0, 1);
        using var probabilities = model.PredictProba(data.Test.Features);
        OnDevice.Tensors(device, (probabilities, "probabilities"), (model.PredictY(data.Test.Features), "classes"));
        var folder = Path.Combine(dir, "mlp");
        OnDevice.SavedInPlace(device, model.Network, model.Save, folder);
        using var loaded = MlpClassifier.Load(folder, name);
        OnDevice.Reloaded(device, loaded.Network, loaded.PredictProba(data.Test.Features), probabilities, "probabilities");
    }

    [Theory]
    [MemberData(nameof(Devices))]
    public void NoisyClassifierStaysOnItsDeviceWithALearnedAndAFixedTransition(string name)
    {
        foreach (var (noiseModel, images) in new[] { (NoiseModel.Softmax, true), (NoiseModel.Forward, false) })
        {
            using var data = NoisyClassifierTests.Separable(3, images, trainCount: 60, testCount: 30);
            using var model = NoisyClassifier.For(data, new NoisyTrainingOptions(Epochs: 2, EstimationEpochs: 1, HiddenUnits: 8, Model: noiseModel, Device: name));
            var device = model.Device;
            model.Fit(data, "symmetric:0.2");
            OnDevice.Module(device, model.Network);
            Assert.Equal(noiseModel == NoiseModel.Forward, model.Network.named_buffers().Any());
            Assert.NotNull(model.Evaluate(data.Test).TransitionMaxAbsError);
            using var probabilities = model.PredictProba(data.Test.Features);
            OnDevice.Tensors(device, (probabilities, "probabilities"), (model.PredictY(data.Test.Features), "classes"));
            var folder = Path.Combine(dir, $"noisy-{noiseModel}");
            OnDevice.SavedInPlace(device, model.Network, model.Save, folder);
            using var loaded = NoisyClassifier.Load(folder, name);
            OnDevice.Reloaded(device, loaded.Network, loaded.PredictProba(data.Test.Features), probabilities, "probabilities");
        }
    }

    [Theory]
    [MemberData(nameof(Devices))]
    public void LanguageModelStaysOnItsDevice(string name)
    {
        var words = Enumerable.Range(0, 200).Select(i => new[] { "the", "cat", "sat", "on", "a", "mat", "." }[i % 7]).ToList();
        var model = new LanguageModel(new LanguageModelOptions { EmbeddingSize = 8, HiddenSize = 8, MinCount = 1, Epochs = 1, BatchSize = 2, Bptt = 5, Device = name });
        var device = model.Device;
        model.Fit(words, words.Take(60).ToList());
        OnDevice.Module(device, model.Network);
        Assert.True(model.Evaluate(words.Take(60).ToList()).Perplexity > 0);
        Assert.True(model.EvaluateNearestEmbedding(words.Take(60).ToList()).Perplexity > 0);
        Assert.Equal(3, model.Generate("the cat", 3, seed: 1).Count);
        var folder = Path.Combine(dir, "lm");
        OnDevice.SavedInPlace(device, model.Network, path => model.Save(path), folder);
        var loaded = LanguageModel.Load(folder, name);
        OnDevice.Module(device, loaded.Network);
        Assert.Equal(model.NextWordLogits("the cat"), loaded.NextWordLogits("the cat"));
        Assert.Equal(model.Generate("the cat", 5, seed: 3), loaded.Generate("the cat", 5, seed: 3));
    }

    [Fact]
    public void CudaOnACpuOnlyLibtorchIsOneLineNamingThePackageToReference()
    {
        if (cuda.is_available())
        {
            Assert.Equal(DeviceType.CUDA, ComputeDevice.Resolve("cuda").type);
            return;
        }
        foreach (var create in new Func<object>[]
        {
            () => ComputeDevice.Resolve("cuda"),
            () => ComputeDevice.Resolve("cuda:1"),
            () => new SvgpClassifier(new SvgpClassifierOptions { Device = "cuda" }),
            () => new VaeModel(new VaeOptions { Decoder = DecoderKind.Bernoulli, Device = "cuda:0" }, 4),
            () => new MlpClassifier(new MlpClassifierOptions { Device = "cuda" }, [4], 2),
            () => new NoisyClassifier(new NoisyTrainingOptions(Device: "cuda"), [4], 2),
            () => new LanguageModel(new LanguageModelOptions { Device = "cuda" }),
            () => new BatchSizeStudy(StudyData.SyntheticRegression(), new BatchSizeStudyOptions { Device = "cuda" }),
        })
        {
            var error = Assert.Throws<LatentException>(create);
            Assert.Single(error.Message.Split('\n'));
            Assert.Contains("libtorch-cuda-12.8-linux-x64", error.Message);
            Assert.Contains("instead of libtorch-cpu-linux-x64", error.Message);
        }
    }

    [Theory]
    [InlineData("gpu")]
    [InlineData("cuda:x")]
    [InlineData("cuda:-1")]
    [InlineData("cuda:")]
    [InlineData("CPU")]
    [InlineData("")]
    public void ABadlySpelledDeviceIsRefusedInOneLine(string name)
    {
        Assert.False(ComputeDevice.IsValid(name));
        foreach (var create in new Func<object>[]
        {
            () => ComputeDevice.Resolve(name),
            () => new SvgpClassifier(new SvgpClassifierOptions { Device = name }),
            () => new VaeOptions { Device = name }.Validate(),
            () => new MlpClassifier(new MlpClassifierOptions { Device = name }, [4], 2),
            () => new NoisyClassifier(new NoisyTrainingOptions(Device: name), [4], 2),
            () => new LanguageModel(new LanguageModelOptions { Device = name }),
            () => new BatchSizeStudyOptions { Device = name }.Validate(),
        })
        {
            var error = Assert.Throws<LatentException>(create);
            Assert.Equal($"device '{name}': expected {ComputeDevice.Spellings}", error.Message);
        }
    }

    [Theory]
    [InlineData("cpu")]
    [InlineData("cuda")]
    [InlineData("cuda:0")]
    [InlineData("cuda:12")]
    public void WellSpelledDevicesAreValid(string name) => Assert.True(ComputeDevice.IsValid(name));
}
