using Latent.Training;
using Latent.Data;
using Latent.Nn;
using Latent.Tests.Noisy;
using static TorchSharp.torch;

namespace Latent.Tests.Training;

public sealed class MlpClassifierTests : TorchTest, IDisposable
{
    private readonly string dir = Directory.CreateTempSubdirectory("latent-mlp-model-").FullName;

    public void Dispose() => Directory.Delete(dir, true);

    [Fact]
    public void LearnsImagesOfAnyShapeAndSavesAndLoadsIdentically()
    {
        using var data = NoisyClassifierTests.Separable(4, images: true);
        using var model = MlpClassifier.For(data, MlpClassifierOptions.Default with { Hidden = [16], Epochs = 4, BatchSize = 25, LearningRate = 1e-2 });
        var curve = model.Fit(data);
        Assert.Equal(4, curve.Evaluations.Count);
        var metrics = model.Evaluate(data.Test);
        Assert.True(metrics.Accuracy > 0.9, $"test accuracy {metrics.Accuracy}");
        Assert.Equal("24-16-4", model.Describe());
        model.Save(dir);
        using var loaded = MlpClassifier.Load(dir);
        using var before = model.PredictProba(data.Test.Features);
        using var after = loaded.PredictProba(data.Test.Features);
        Assert.True(before.equal(after).all().item<bool>());
        var reloaded = loaded.Evaluate(data.Test);
        Assert.Equal(metrics.ToDictionary(), reloaded.ToDictionary());
        Assert.Equal(metrics.Bins, reloaded.Bins);
    }

    [Fact]
    public void ASavedModelAppliesItsStandardisationToRawData()
    {
        var csv = Latent.Tests.Data.TinyDataFiles.Csv(dir);
        using var standardized = DatasetLoader.Load(new DataOptions { Path = csv, Standardize = true, Seed = 1 });
        using var model = MlpClassifier.For(standardized, MlpClassifierOptions.Default with { Epochs = 2 });
        model.Fit(standardized);
        var expected = model.Evaluate(standardized.Test).ToDictionary();
        model.Save(Path.Combine(dir, "model"));
        using var loaded = MlpClassifier.Load(Path.Combine(dir, "model"));
        using var raw = DatasetLoader.Load(new DataOptions { Path = csv, Seed = 1 });
        using var prepared = loaded.Preprocessed(raw.Test);
        Assert.Equal(expected, loaded.Evaluate(prepared).ToDictionary());
        Assert.NotEqual(expected, loaded.Evaluate(raw.Test).ToDictionary());
    }

    [Fact]
    public void LabelsOutsideTheClassRangeAreOneLineErrorsBeforeTraining()
    {
        using var data = NoisyClassifierTests.Separable(4, images: false, classCount: 3);
        using var model = MlpClassifier.For(data);
        var message = Assert.Throws<LatentException>(() => model.Fit(data)).Message;
        Assert.Equal("separable: training label 3 is outside 0..2 for a 3-class classifier", message);

        using var negative = new Dataset(new DataPart(zeros(2, 6), tensor(new long[] { 0, -1 })), new DataPart(zeros(1, 6), tensor(new long[] { 1 })), 2, null, "negative");
        using var other = MlpClassifier.For(negative);
        Assert.Contains("training label -1 is outside 0..1", Assert.Throws<LatentException>(() => other.Fit(negative)).Message);
    }

    [Fact]
    public void ClassificationMetricsMatchAHandComputation()
    {
        using var probabilities = tensor(new double[] { 0.9, 0.1, 0.4, 0.6, 0.7, 0.3 }, new long[] { 3, 2 });
        using var labels = tensor(new long[] { 0, 0, 1 });
        var metrics = ClassificationMetrics.Compute(probabilities, labels);
        Assert.Equal(1.0 / 3, metrics.Accuracy, 12);
        Assert.Equal(-(Math.Log(0.9) + Math.Log(0.4) + Math.Log(0.3)) / 3, metrics.Nlpd, 12);
        // Bins: 0.9 → bin 13 (correct), 0.6 → bin 9 (wrong), 0.7 → bin 10 (wrong): (|0.9 − 1| + |0.6 − 0| + |0.7 − 0|) / 3.
        Assert.Equal((0.1 + 0.6 + 0.7) / 3, metrics.Ece, 12);
    }
}
