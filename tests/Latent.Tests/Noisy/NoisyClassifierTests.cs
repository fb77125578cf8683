using Latent.Data;
using Latent.Nn;
using Latent.Noisy;
using static TorchSharp.torch;

namespace Latent.Tests.Noisy;

public sealed class NoisyClassifierTests : TorchTest, IDisposable
{
    private readonly string dir = Directory.CreateTempSubdirectory("latent-noisy-model-").FullName;

    public void Dispose() => Directory.Delete(dir, true);

    /// <summary>A separable data set of <paramref name="classes"/> classes: class k raises feature k; images [N, 2, 3, 4] or vectors [N, 6].</summary>
    internal static Dataset Separable(int classes, bool images, int trainCount = 150, int testCount = 60, long classCount = 0)
    {
        DataPart Part(int count, ulong seed)
        {
            var labels = arange(count, dtype: ScalarType.Int64).remainder(classes);
            var features = rand(new long[] { count, 24 }, generator: new Generator(seed)) * 0.3f;
            features = features + nn.functional.one_hot(labels, 24).to(ScalarType.Float32) * 2f;
            return new DataPart(images ? features.reshape(count, 2, 3, 4) : features.narrow(1, 0, 6).contiguous(), labels);
        }
        return new Dataset(Part(trainCount, 1), Part(testCount, 2), classCount > 0 ? (int)classCount : classes, null, "separable");
    }

    [Fact]
    public void LearnsThreeClassesUnderPairFlipNoiseWithAColumnStochasticQ()
    {
        using var data = Separable(3, images: false);
        // Four epochs with batches of 25 instead of the defaults (10 epochs of 128): a tiny set, a small budget.
        using var model = NoisyClassifier.For(data, NoisyTrainingOptions.Default with { Epochs = 4, BatchSize = 25, Seed = 3 });
        var result = model.Fit(data, "pairflip:0.2");
        var expected = new[] { 0.8, 0.0, 0.2, 0.2, 0.8, 0.0, 0.0, 0.2, 0.8 };
        Assert.Equal(expected, result.TrueTransition!, (a, b) => Math.Abs(a - b) < 1e-15);
        var q = model.Transition();
        for (int j = 0; j < 3; j++) Assert.Equal(1.0, q[j] + q[3 + j] + q[6 + j], 5);
        Assert.All(q, v => Assert.True(v > 0));
        var metrics = model.Evaluate(data.Test).ToDictionary();
        Assert.True(metrics["test_accuracy"] > 0.9, $"clean test accuracy {metrics["test_accuracy"]}");
        Assert.Equal(q.Zip(expected, (a, b) => Math.Abs(a - b)).Max(), metrics["transition_max_abs_error"], 12);
    }

    [Theory]
    [InlineData(true, NoiseModel.Softmax)]
    [InlineData(false, NoiseModel.Project)]
    [InlineData(true, NoiseModel.Forward)]
    public void SaveThenLoadGivesIdenticalPredictionsAndQ(bool images, NoiseModel noiseModel)
    {
        using var data = Separable(3, images);
        using var model = NoisyClassifier.For(data, NoisyTrainingOptions.Default with { Epochs = 2, BatchSize = 50, Model = noiseModel, EstimationEpochs = 1 });
        model.Fit(data, "symmetric:0.3");
        model.Save(dir);
        using var loaded = NoisyClassifier.Load(dir);
        Assert.Equal(images ? "cnn" : "mlp", loaded.Architecture);
        Assert.Equal(noiseModel, loaded.Options.Model);
        Assert.Equal(model.Transition(), loaded.Transition());
        using var before = model.PredictProba(data.Test.Features);
        using var after = loaded.PredictProba(data.Test.Features);
        Assert.True(before.equal(after).all().item<bool>(), "predictions changed across save and load");
        Assert.Equal(model.Evaluate(data.Test).ToDictionary(), loaded.Evaluate(data.Test).ToDictionary());
    }

    [Fact]
    public void LoadRefusesAFolderOfAnotherKind()
    {
        using var data = Separable(3, images: false);
        using var mlp = MlpClassifier.For(data);
        mlp.Save(dir);
        var message = Assert.Throws<LatentException>(() => NoisyClassifier.Load(dir)).Message;
        Assert.Contains("holds a 'mlp-classifier' model, not a 'noisy-classifier' model", message);
    }

    [Fact]
    public void CnnIsRefusedForVectorsAndNoiseMustMatchTheClassCount()
    {
        using var data = Separable(3, images: false);
        Assert.Contains("needs images", Assert.Throws<LatentException>(() => NoisyClassifier.For(data, NoisyTrainingOptions.Default with { Architecture = "cnn" })).Message);
        using var model = NoisyClassifier.For(data);
        Assert.Contains("need 10 classes", Assert.Throws<LatentException>(() => model.Fit(data, "mnist-pairs:0.3")).Message);
    }
}
