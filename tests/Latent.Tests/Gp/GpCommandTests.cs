using System.Globalization;
using System.Text.Json.Nodes;
using Latent.Gp;
using Latent.Tests.Cli;
using Latent.Tests.Data;

namespace Latent.Tests.Gp;

public class GpCommandTests : IDisposable
{
    private readonly string root = Directory.CreateTempSubdirectory("latent-gp-").FullName;

    public GpCommandTests() => LatentRuntime.Initialize();

    public void Dispose() => Directory.Delete(root, recursive: true);

    /// <summary>
    /// A CSV of <paramref name="count"/> rows: features x1, x2 in [−1, 1] and targets y = sin(3 x1) + 0.5 x2 + noise (sd 0.05),
    /// counts = round(exp(x1)) and positive = 1 when y &gt; 0, seeded.
    /// </summary>
    private string Csv(string name, int count, int seed)
    {
        var random = new Random(seed);
        var lines = new List<string> { "x1,x2,y,counts,positive" };
        for (var i = 0; i < count; i++)
        {
            var (x1, x2) = (2 * random.NextDouble() - 1, 2 * random.NextDouble() - 1);
            var y = Math.Sin(3 * x1) + 0.5 * x2 + 0.05 * (random.NextDouble() + random.NextDouble() + random.NextDouble() - 1.5) * 2;
            lines.Add(string.Join(",", new[] { x1, x2, y, Math.Round(Math.Exp(x1)), y > 0 ? 1 : 0 }.Select(v => v.ToString("R", CultureInfo.InvariantCulture))));
        }
        var path = Path.Combine(root, name);
        File.WriteAllLines(path, lines);
        return path;
    }

    private static double Metric(string folder, string name) => JsonNode.Parse(File.ReadAllText(Path.Combine(folder, "metrics.json")))![name]!.GetValue<double>();

    private static void Succeeds(params string[] args)
    {
        var (code, error) = CliRunner.Run(args);
        Assert.True(code == 0, $"exit {code}: {error}");
    }

    [Fact]
    public void TrainWithDefaultOptionsThenEvalAndPredictAgree()
    {
        var train = Csv("train.csv", 60, 1);
        var test = Csv("test.csv", 25, 2);
        var trained = Path.Combine(root, "train");
        // Every option at its default: exact GPR, matern52+white, gaussian, L-BFGS, target column y. The columns counts and
        // positive are features here, as every column other than the target is.
        Succeeds("gp", "train", "--data", train, "--test-data", test, "--out", trained);
        foreach (var file in new[] { "model/config.json", "model/model.safetensors", "parameters.txt", "metrics.json" })
            Assert.True(File.Exists(Path.Combine(trained, file)), $"{file} missing");
        Assert.True(Metric(trained, "test_rmse") < 0.2, $"RMSE {Metric(trained, "test_rmse")}");
        Assert.True(Metric(trained, "test_nlpd") < 0.5, $"NLPD {Metric(trained, "test_nlpd")}");

        var model = Path.Combine(trained, "model");
        using (var loaded = GpRegressor.Load(model))
            Assert.Equal(File.ReadAllText(Path.Combine(trained, "parameters.txt")), loaded.Summary().ToText());
        Assert.Contains("softplus", File.ReadAllText(Path.Combine(trained, "parameters.txt")));

        var evaluated = Path.Combine(root, "eval");
        Succeeds("gp", "eval", "--model", model, "--data", train, "--test-data", test, "--out", evaluated);
        foreach (var metric in new[] { "test_rmse", "test_mae", "test_nlpd", "test_coverage_95" })
            Assert.Equal(Metric(trained, metric), Metric(evaluated, metric), 9);

        var predictions = Path.Combine(root, "predictions.csv");
        Succeeds("gp", "predict", "--model", model, "--data", test, "--out", predictions);
        var rows = File.ReadAllLines(predictions);
        Assert.Equal("mean,variance", rows[0]);
        Assert.Equal(26, rows.Length);
        var truth = File.ReadAllLines(test).Skip(1).Select(line => double.Parse(line.Split(',')[2], CultureInfo.InvariantCulture)).ToArray();
        var predicted = rows.Skip(1).Select(line => line.Split(',').Select(v => double.Parse(v, CultureInfo.InvariantCulture)).ToArray()).ToArray();
        Assert.All(predicted, p => Assert.True(p[1] > 0));
        var rmse = Math.Sqrt(truth.Zip(predicted, (y, p) => (y - p[0]) * (y - p[0])).Average());
        Assert.Equal(Metric(evaluated, "test_rmse"), rmse, 9);
        var nlpd = truth.Zip(predicted, (y, p) => 0.5 * Math.Log(2 * Math.PI * p[1]) + 0.5 * (y - p[0]) * (y - p[0]) / p[1]).Average();
        Assert.Equal(Metric(evaluated, "test_nlpd"), nlpd, 9);
    }

    [Fact]
    public void SparseAndStochasticModelsTrainOnStandardisedTargetsAndPredictInTheDataUnits()
    {
        var train = Csv("train.csv", 80, 3);
        var sgpr = Path.Combine(root, "sgpr");
        Succeeds("gp", "train", "--data", train, "--model", "sgpr", "--inducing", "kmeans:15", "--ard", "--standardize", "--iterations", "200", "--out", sgpr);
        Assert.True(Metric(sgpr, "test_rmse") < 0.25, $"SGPR RMSE {Metric(sgpr, "test_rmse")}");
        var config = JsonNode.Parse(File.ReadAllText(Path.Combine(sgpr, "model", "config.json")))!;
        Assert.NotNull(config["data"]!["target_standardization"]);
        Assert.Equal(15, config["architecture"]!["inducing_count"]!.GetValue<long>());

        var svgp = Path.Combine(root, "svgp");
        Succeeds("gp", "train", "--data", train, "--model", "svgp", "--likelihood", "student-t", "--inducing", "kmeans:15", "--standardize",
            "--iterations", "300", "--batch-size", "32", "--lr", "0.05", "--out", svgp);
        Assert.True(Metric(svgp, "test_rmse") < 0.4, $"SVGP RMSE {Metric(svgp, "test_rmse")}");
    }

    [Fact]
    public void CountsAndClassesTrainWithPoissonAndBernoulliLikelihoods()
    {
        var train = Csv("train.csv", 60, 4);
        var poisson = Path.Combine(root, "poisson");
        Succeeds("gp", "train", "--data", train, "--target-column", "counts", "--model", "svgp", "--likelihood", "poisson", "--inducing", "kmeans:10",
            "--iterations", "200", "--lr", "0.05", "--standardize", "--out", poisson);
        Assert.True(double.IsFinite(Metric(poisson, "test_nlpd")));
        var bernoulli = Path.Combine(root, "bernoulli");
        Succeeds("gp", "train", "--data", train, "--target-column", "positive", "--model", "svgp", "--likelihood", "bernoulli", "--inducing", "kmeans:10",
            "--iterations", "200", "--lr", "0.05", "--out", bernoulli);
        Assert.True(Metric(bernoulli, "test_accuracy") >= 0.75, $"accuracy {Metric(bernoulli, "test_accuracy")}");
        var predictions = Path.Combine(root, "bernoulli.csv");
        Succeeds("gp", "predict", "--model", Path.Combine(bernoulli, "model"), "--data", train, "--out", predictions);
        var rows = File.ReadAllLines(predictions);
        Assert.Equal("probability,variance", rows[0]);
        Assert.All(rows.Skip(1), row => Assert.InRange(double.Parse(row.Split(',')[0], CultureInfo.InvariantCulture), 0, 1));
    }

    [Theory]
    [InlineData("--target-column", "price", "no target column 'price'")]
    [InlineData("--likelihood", "poisson", "gpr needs the gaussian likelihood")]
    [InlineData("--target-column", "y,--model,svgp,--likelihood,poisson", "Poisson likelihood: y must be counts")]
    [InlineData("--target-column", "y,--model,svgp,--likelihood,bernoulli", "Bernoulli likelihood: y must contain only 0 and 1")]
    [InlineData("--optimizer", "lbfgs,--model,svgp", "use --optimizer adam")]
    public void BadInputIsAOneLineErrorAndExitCodeOne(string option, string values, string expected)
    {
        var train = Csv("train.csv", 20, 5);
        var arguments = new List<string> { "gp", "train", "--data", train, "--out", Path.Combine(root, "bad"), option };
        arguments.AddRange(values.Split(','));
        var (code, error) = CliRunner.Run([.. arguments]);
        Assert.Equal(1, code);
        Assert.Contains(expected, error);
        Assert.Single(error.Trim().Split('\n'));
        Assert.False(File.Exists(Path.Combine(root, "bad", "model", "config.json")));
    }

    [Fact]
    public void ExactGprOnMorePointsThanMemoryHoldsIsRefusedWithTheMemoryItNeedsAndSgprSuggested()
    {
        // Pick N just past 80% of the memory this process may use at exact GPR's measured peak.
        var available = (double)GC.GetGCMemoryInfo().TotalAvailableMemoryBytes;
        var n = (int)Math.Sqrt(0.8 * available / (8 * GpRegressor.ExactPeakMatrices)) + 2000;
        var path = Path.Combine(root, "large.csv");
        File.WriteAllLines(path, Enumerable.Range(0, n).Select(i => FormattableString.Invariant($"{i * 1e-4},{Math.Sin(i * 1e-3)}")).Prepend("x,y"));
        var (code, error) = CliRunner.Run("gp", "train", "--data", path, "--test-fraction", "0.01", "--out", Path.Combine(root, "large"));
        Assert.Equal(1, code);
        Assert.Contains($"{path}: exact GPR on", error);
        Assert.Contains("GiB", error);
        Assert.Contains("use --model sgpr", error);
        Assert.Single(error.Trim().Split('\n'));
    }

    [Theory]
    [InlineData("robustmax")]
    [InlineData("softmax")]
    public void MulticlassSvgpOnLabelsPredictsClassProbabilitiesThatAgreeWithEval(string likelihood)
    {
        var data = TinyDataFiles.Csv(root, count: 60, classes: 3, namedClasses: true);
        var trained = Path.Combine(root, $"multiclass-{likelihood}");
        Succeeds("gp", "train", "--data", data, "--model", "svgp", "--likelihood", likelihood, "--inducing", "every:4", "--iterations", "150", "--lr", "0.05",
            "--batch-size", "24", "--no-tensorboard", "--out", trained);
        var accuracy = Metric(trained, "test_accuracy");
        Assert.True(accuracy >= 0.8, $"test accuracy {accuracy}");
        Assert.True(Metric(trained, "test_nlpd") < Math.Log(3), $"NLPD {Metric(trained, "test_nlpd")} should beat uniform guessing");
        Assert.Contains("qMean", File.ReadAllText(Path.Combine(trained, "parameters.txt")));

        var model = Path.Combine(trained, "model");
        var evaluated = Path.Combine(root, $"multiclass-{likelihood}-eval");
        Succeeds("gp", "eval", "--model", model, "--data", data, "--out", evaluated);
        Assert.Equal(accuracy, Metric(evaluated, "test_accuracy"), 12);

        // Predictions on the whole file: one probability column per class, in the model's class order, each row summing to one.
        var predictions = Path.Combine(root, $"multiclass-{likelihood}.csv");
        Succeeds("gp", "predict", "--model", model, "--data", data, "--out", predictions);
        var rows = File.ReadAllLines(predictions);
        Assert.Equal("probability_class-a,probability_class-b,probability_class-c", rows[0]);
        var labels = File.ReadAllLines(data).Skip(1).Select(line => line.Split(',')[^1]).ToArray();
        Assert.Equal(labels.Length, rows.Length - 1);
        var correct = 0;
        for (var i = 0; i < labels.Length; i++)
        {
            var p = rows[i + 1].Split(',').Select(v => double.Parse(v, CultureInfo.InvariantCulture)).ToArray();
            Assert.Equal(1.0, p.Sum(), 2e-3);
            if (TinyDataFiles.ClassName(Array.IndexOf(p, p.Max())) == labels[i]) correct++;
        }
        Assert.True(correct >= 0.8 * labels.Length, $"{correct} of {labels.Length} predicted right");
    }
}
