using System.Text.Json.Nodes;
using Latent.Data;
using Latent.Gp;
using Latent.IO;
using Latent.Nn;
using Latent.Tests.Gp;
using Latent.Vae;
using static TorchSharp.torch;

namespace Latent.Tests.Models;

/// <summary>
/// Folders saved before the one config.json layout (format version 1, each family's own top-level keys) still load: each test
/// rewrites a saved folder's config.json into the version-1 layout exactly as the earlier Save methods wrote it, loads it, and
/// checks that the model predicts what it predicted before and keeps its shape, classes, standardisation and options.
/// </summary>
public sealed class FormatVersion1Tests : TorchTest, IDisposable
{
    private readonly string directory = Directory.CreateTempSubdirectory("latent-v1-").FullName;

    public void Dispose() => Directory.Delete(directory, recursive: true);

    private static JsonObject Config(string folder) => JsonNode.Parse(File.ReadAllText(Path.Combine(folder, ModelFolder.ConfigFile)))!.AsObject();

    private static void Write(string folder, JsonObject config) => File.WriteAllText(Path.Combine(folder, ModelFolder.ConfigFile), config.ToJsonString());

    private static JsonNode? Copy(JsonNode? node) => node?.DeepClone();

    [Fact]
    public void AnMlpFolderWithItsArchitectureAsOneStringAndPascalCaseStatisticsLoads()
    {
        using var raw = SvgpClassifierTests.Clusters(3, 11);
        using var data = raw.Standardized();
        using var model = MlpClassifier.For(data, MlpClassifierOptions.Default with { Hidden = [8], Epochs = 2, BatchSize = 16, Seed = 4 });
        model.Fit(data);
        var folder = Path.Combine(directory, "mlp");
        model.Save(folder);
        var now = Config(folder);
        var statistics = now["data"]!["standardization"]!;
        Write(folder, new JsonObject
        {
            ["kind"] = "mlp-classifier", ["format_version"] = 1, ["architecture"] = model.Describe(), ["options"] = Copy(now["training"]!["options"]),
            ["example_shape"] = new JsonArray(5), ["class_count"] = 3, ["class_names"] = new JsonArray("0", "1", "2"),
            ["standardization"] = new JsonObject { ["Mean"] = Copy(statistics["mean"]), ["Scale"] = Copy(statistics["scale"]) },
        });
        using var loaded = MlpClassifier.Load(folder);
        Assert.Equal(data.Standardization!.Scale, loaded.Standardization!.Scale);
        Assert.Equal(["0", "1", "2"], loaded.ClassNames);
        Assert.Equal(4, loaded.Training.Seed);
        Assert.Null(loaded.Training.TrainedOn);
        using var expected = model.PredictProba(data.Test.Features);
        using var actual = loaded.PredictProba(data.Test.Features);
        Assert.True(expected.allclose(actual, rtol: 0, atol: 0));
    }

    [Fact]
    public void AnSvgpFolderWithTopLevelRunFactsLoads()
    {
        using var data = SvgpClassifierTests.Clusters(2, 12);
        using var classifier = new SvgpClassifier(new SvgpClassifierOptions { Inducing = "every:5", Iterations = 10, BatchSize = 20 });
        classifier.Fit(data);
        using var expected = classifier.PredictY(data.Test.Features).Mean;
        // Folders of that time stored positive parameters as softplus⁻¹ of their values.
        using (no_grad())
        {
            foreach (var parameter in classifier.Model.modules().OfType<ConstrainedParameter>().Where(p => p.Constraint == Constraint.Positive))
            {
                using var value = parameter.Value;
                parameter.Unconstrained.copy_(value.expm1().log());
            }
        }
        var folder = Path.Combine(directory, "svgp");
        classifier.Save(folder);
        var now = Config(folder);
        Write(folder, new JsonObject
        {
            ["kind"] = "svgp", ["format_version"] = 1, ["options"] = Copy(now["training"]!["options"]), ["example_shape"] = new JsonArray(5),
            ["feature_count"] = 5, ["class_count"] = 2, ["class_names"] = new JsonArray("0", "1"), ["train_count"] = 40,
            ["inducing_count"] = classifier.Model.InducingCount, ["steps_taken"] = 10, ["initial_lengthscale"] = classifier.InitialLengthscale, ["standardization"] = null,
        });
        using var loaded = SvgpClassifier.Load(folder);
        Assert.Equal(10, loaded.StepsTaken);
        Assert.Equal(classifier.InitialLengthscale, loaded.InitialLengthscale);
        Assert.True(expected.allclose(loaded.PredictY(data.Test.Features).Mean, rtol: 1e-9, atol: 1e-12));
    }

    [Fact]
    public void AVaeFolderWithItsShapeInTheArchitectureAndItsStatisticsInPreprocessingLoads()
    {
        using var raw = SvgpClassifierTests.Clusters(2, 13, features: 6);
        using var data = raw.Standardized();
        using var model = VaeModel.For(data, VaeOptions.Default with { Latent = 2, Hidden = [8], Epochs = 1, BatchSize = 16, EvalIwaeSamples = 0 });
        model.Fit(data);
        var folder = Path.Combine(directory, "vae");
        model.Save(folder);
        var now = Config(folder);
        var architecture = Copy(now["architecture"])!.AsObject();
        architecture["input_shape"] = new JsonArray(6);
        Write(folder, new JsonObject
        {
            ["kind"] = "vae", ["format_version"] = 1, ["architecture"] = architecture, ["options"] = Copy(now["training"]!["options"]),
            ["preprocessing"] = new JsonObject { ["standardization"] = Copy(now["data"]!["standardization"]) },
        });
        using var loaded = VaeModel.Load(folder);
        Assert.Equal([6L], loaded.ExampleShape);
        Assert.Equal(data.Standardization!.Mean, loaded.Standardization!.Mean);
        Assert.True(model.Reconstruct(data.Test.Features).allclose(loaded.Reconstruct(data.Test.Features), rtol: 0, atol: 0));
    }
}
