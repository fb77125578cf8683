using Latent.Training;
using System.Text.Json.Nodes;
using Latent.Data;
using Latent.Gp;
using Latent.IO;
using static TorchSharp.torch;

namespace Latent.Tests.Gp;

public class SvgpClassifierTests : IDisposable
{
    private readonly string root = Directory.CreateTempSubdirectory("latent-svgp-classifier-").FullName;

    public SvgpClassifierTests() => LatentRuntime.Initialize();

    public void Dispose() => Directory.Delete(root, recursive: true);

    /// <summary>Well-separated Gaussian clusters in 5 dimensions, one per class: 20 training and 10 test points per class.</summary>
    internal static Dataset Clusters(int classes, ulong seed, int features = 5)
    {
        using var generator = new Generator(seed, CPU);
        var centres = 3 * randn(classes, features, generator: generator);
        DataPart Part(int perClass)
        {
            var labels = arange(0, classes * perClass, dtype: int64) % classes;
            return new DataPart(centres.index_select(0, labels) + 0.5f * randn(classes * perClass, features, generator: generator), labels);
        }
        return new Dataset(Part(20), Part(10), classes, null, "clusters");
    }

    private static readonly SvgpClassifierOptions Small = new() { Inducing = "every:5", Iterations = 80, BatchSize = 30, LearningRate = 0.1, TimeLimit = TimeSpan.FromMinutes(10) };

    [Theory]
    [InlineData(2)]
    [InlineData(3)]
    public void FitsVectorsOfAnyClassCountAndReloadsToIdenticalPredictions(int classes)
    {
        using var data = Clusters(classes, (ulong)classes);
        using var classifier = new SvgpClassifier(Small);
        var elbos = classifier.Fit(data);
        Assert.Equal(80, elbos.Count);
        Assert.True(elbos.TakeLast(10).Average() > elbos.Take(10).Average(), "the ELBO should rise");
        var metrics = classifier.Evaluate(data.Test);
        Assert.True(metrics.Accuracy >= 0.9, $"test accuracy {metrics.Accuracy}");
        Assert.True(metrics.Nlpd < Math.Log(classes), $"NLPD {metrics.Nlpd} should beat uniform guessing");
        Assert.Equal(["test_accuracy", "test_nlpd", "test_ece"], metrics.ToDictionary().Keys);
        var (probabilities, _) = classifier.PredictY(data.Test.Features);
        Assert.Equal(new long[] { data.Test.Count, classes }, probabilities.shape);
        Assert.True(probabilities.sum(1).allclose(ones(data.Test.Count, dtype: float64), rtol: 0, atol: 2e-3));

        classifier.Save(Path.Combine(root, "model"));
        using var loaded = SvgpClassifier.Load(Path.Combine(root, "model"));
        Assert.Equal(Small, loaded.Options);
        Assert.Equal(80, loaded.StepsTaken);
        Assert.Equal(classes, loaded.ClassCount);
        var weights = classifier.Model.state_dict();
        foreach (var (name, value) in loaded.Model.state_dict())
            Assert.True(value.equal(weights[name]).all().item<bool>(), $"weight {name} changed on the way through the model folder");
        // Bitwise-equal weights; libtorch's threaded reductions may round a repeated PredictY on one model differently by ~1e-16.
        Assert.True(loaded.PredictY(data.Test.Features).Mean.allclose(probabilities, rtol: 0, atol: 1e-12), "a reloaded model must predict the same");
        var reloaded = loaded.Evaluate(data.Test);
        Assert.Equal(metrics.Accuracy, reloaded.Accuracy);
        Assert.Equal(metrics.Nlpd, reloaded.Nlpd, 10);
    }

    [Fact]
    public void EveryKthInducingReproducesTheTrainingRowsAndLengthscaleStartsAtMedianDistance()
    {
        using var data = Clusters(2, 7);
        using var classifier = new SvgpClassifier(new SvgpClassifierOptions { Inducing = "every:5", Iterations = 0 });
        Assert.Empty(classifier.Fit(data));
        using var expected = data.Train.Features.index_select(0, arange(0, 40, 5, dtype: int64)).to(float64);
        Assert.True(classifier.Model.InducingInputs.equal(expected).all().item<bool>());
        using var distances = cdist(data.Train.Features.to(float64), data.Train.Features.to(float64));
        var positive = distances.masked_select(distances > 0).data<double>().Order().ToArray();
        Assert.InRange(classifier.InitialLengthscale, positive[0], positive[^1]);
        Assert.Equal(positive[(positive.Length - 1) / 2], classifier.InitialLengthscale, 9);
    }

    [Fact]
    public void StandardisationIsSavedAndAppliedToRawFeatures()
    {
        using var raw = Clusters(2, 11);
        using var data = raw.Standardized();
        using var classifier = new SvgpClassifier(Small with { Iterations = 5 });
        classifier.Fit(data);
        classifier.Save(Path.Combine(root, "model"));
        using var loaded = SvgpClassifier.Load(Path.Combine(root, "model"));
        Assert.Equal(data.Standardization!.Mean, loaded.Standardization!.Mean);
        using var prepared = loaded.Preprocessed(raw.Test);
        Assert.True(prepared.Features.allclose(data.Test.Features, rtol: 0, atol: 1e-6));
        Assert.Equal(classifier.Evaluate(data.Test).Accuracy, loaded.Evaluate(prepared).Accuracy);
    }

    [Fact]
    public void ContinuingWidensADiagonalQAndCountsSteps()
    {
        using var data = Clusters(3, 5);
        using var classifier = new SvgpClassifier(Small with { QDiagonal = true, Iterations = 4 });
        classifier.Fit(data);
        using var before = classifier.PredictF(data.Test.Features).Mean;
        classifier.ContinueWith(Small with { Iterations = 3 }, fullCovariance: true);
        Assert.False(classifier.Model.QDiagonal);
        Assert.True(classifier.PredictF(data.Test.Features).Mean.allclose(before, rtol: 0, atol: 1e-9), "the full q starts where the diagonal one was");
        Assert.Equal(3, classifier.Fit(data).Count);
        Assert.Equal(7, classifier.StepsTaken);
        using var other = Clusters(3, 5, features: 4);
        Assert.Contains("[4]", Assert.Throws<LatentException>(() => classifier.Fit(other)).Message);
    }

    [Fact]
    public void Float32TrainsCloseToFloat64AndKeepsItsTypeThroughSaveAndLoad()
    {
        using var data = Clusters(3, 11);
        using var double64 = new SvgpClassifier(Small);
        using var single = new SvgpClassifier(Small with { Dtype = "float32" });
        var elbos64 = double64.Fit(data);
        var elbos32 = single.Fit(data);
        Assert.All(single.Model.parameters(), p => Assert.Equal(ScalarType.Float32, p.dtype));
        // Same seed, data and steps: float32 rounding (~1e-7 relative) and its 1e-4 jitter may move the optimisation a little, not its outcome.
        Assert.Equal(elbos64.TakeLast(10).Average(), elbos32.TakeLast(10).Average(), 0.01 * Math.Abs(elbos64.TakeLast(10).Average()));
        var (metrics64, metrics32) = (double64.Evaluate(data.Test), single.Evaluate(data.Test));
        Assert.True(Math.Abs(metrics64.Accuracy - metrics32.Accuracy) <= 1.0 / data.Test.Count + 1e-12, $"accuracy {metrics32.Accuracy} (float32) vs {metrics64.Accuracy}");
        Assert.Equal(metrics64.Nlpd, metrics32.Nlpd, 0.02);
        var (probabilities, _) = single.PredictY(data.Test.Features);
        Assert.Equal(ScalarType.Float64, probabilities.dtype);

        single.Save(Path.Combine(root, "float32"));
        var config = JsonNode.Parse(File.ReadAllText(Path.Combine(root, "float32", ModelFolder.ConfigFile)))!;
        Assert.Equal("float32", config["training"]!["options"]!["dtype"]!.GetValue<string>());
        using var loaded = SvgpClassifier.Load(Path.Combine(root, "float32"));
        Assert.Equal("float32", loaded.Options.Dtype);
        Assert.All(loaded.Model.parameters(), p => Assert.Equal(ScalarType.Float32, p.dtype));
        Assert.True(loaded.PredictY(data.Test.Features).Mean.allclose(probabilities, rtol: 0, atol: 1e-6), "a reloaded float32 model must predict the same");
        Assert.Contains("float16", Assert.Throws<LatentException>(() => new SvgpClassifier(Small with { Dtype = "float16" })).Message);
    }

    [Fact]
    public void BadInputsAreRefusedInOneLine()
    {
        var folder = Path.Combine(root, "vae");
        ModelFolder.Save(folder, new ModelConfig("vae", 2, [], new DataDescription(), TrainingRecord.Untrained(new JsonObject(), 0)), new Dictionary<string, Tensor> { ["w"] = zeros(2) });
        Assert.Contains("holds a 'vae' model, not a 'svgp' model", Assert.Throws<LatentException>(() => SvgpClassifier.Load(folder)).Message);
        Assert.Contains("every:K", Assert.Throws<LatentException>(() => new SvgpClassifier(new SvgpClassifierOptions { Inducing = "every:0" })).Message);
        Assert.Contains("softmax", Assert.Throws<LatentException>(() => new SvgpClassifier(new SvgpClassifierOptions { Likelihood = "probit" })).Message);
        using var data = Clusters(2, 3);
        using var deskewing = new SvgpClassifier(new SvgpClassifierOptions { Deskew = true });
        Assert.Contains("single-channel images", Assert.Throws<LatentException>(() => deskewing.Fit(data)).Message);
        using var unlabelled = new Dataset(new DataPart(data.Train.Features.alias(), null), new DataPart(data.Test.Features.alias(), null), 0, null, "vectors");
        Assert.Contains("labelled", Assert.Throws<LatentException>(() => new SvgpClassifier().Fit(unlabelled)).Message);
        Assert.Contains("not fitted", Assert.Throws<LatentException>(() => new SvgpClassifier().PredictY(data.Test.Features)).Message);
    }

    [Fact]
    public void LatentSamplesThroughRobustMaxAreHardVotesWhoseAverageApproachesPredictY()
    {
        using var data = Clusters(3, 13);
        using var classifier = new SvgpClassifier(Small with { Iterations = 30 });
        classifier.Fit(data);
        using var generator = new Generator(1, CPU);
        var study = LinkSamplingStudy.Run(classifier, data.Test.Features, 3000, generator);
        Assert.Equal(6, study.Chosen.Distinct().Count());
        Assert.All(study.FirstSamples, sample =>
        {
            Assert.Equal(1 - 1e-3, sample.Max(), 12);
            Assert.Equal(1e-3 / 2, sample.Min(), 12);
        });
        Assert.Equal([10, 30, 100, 300, 1000, 3000], study.SampleCounts);
        Assert.True(study.LargestErrors[^1] < 0.05, $"the average of 3000 samples is {study.LargestErrors[^1]} from predict_y");
        Assert.True(study.LargestErrors[^1] < study.LargestErrors[0]);
        var gaps = Enumerable.Range(0, study.Probabilities.Length).Select(i => study.LeadingClasses(i).Gap).ToArray();
        Assert.All(gaps, gap => Assert.True(gap >= 0));
        Assert.Equal(study.Probabilities.Length, study.TopProbabilityWhereGap(0, double.PositiveInfinity).Count);
    }

    [Fact]
    public void MetricsMatchAHandComputation()
    {
        // Confidences 0.95 (right), 0.85 (wrong), 0.62 and 0.68 (both right): bins [0.9, 1), [0.8, 0.9) and [0.6, 0.7).
        using var probabilities = tensor(new[] { 0.95, 0.05, 0.15, 0.85, 0.62, 0.38, 0.32, 0.68 }, [4, 2], dtype: float64);
        using var labels = tensor(new long[] { 0, 0, 0, 1 });
        using var logDensity = tensor(new[] { Math.Log(0.95), Math.Log(0.15), Math.Log(0.62), Math.Log(0.68) });
        var metrics = ClassificationMetrics.Compute(probabilities, labels, logDensity, binCount: 10);
        Assert.Equal(0.75, metrics.Accuracy, 12);
        Assert.Equal(-(Math.Log(0.95) + Math.Log(0.15) + Math.Log(0.62) + Math.Log(0.68)) / 4, metrics.Nlpd, 12);
        Assert.Equal(0.25 * 0.05 + 0.25 * 0.85 + 0.5 * (1 - 0.65), metrics.Ece, 12);
        Assert.Equal(3, metrics.Bins.Count);
    }
}
