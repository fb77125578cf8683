using System.Globalization;
using System.Text;
using System.Text.Json.Nodes;
using Latent.Tests.Cli;

namespace Latent.Tests.Vae;

/// <summary>`latent vae` on a real-valued CSV file (needs the CSV reader of DatasetLoader).</summary>
public sealed class VaeVectorCliTests : TorchTest, IDisposable
{
    private readonly string directory = Directory.CreateTempSubdirectory("latent-vae-csv-").FullName;

    public void Dispose() => Directory.Delete(directory, true);

    [Fact]
    public void GaussianDecoderTrainsEvaluatesAndSamplesOnAVectorCsv()
    {
        using (var data = TinyData.Vectors(train: 120, test: 0))
        {
            var values = data.Train.Features.to(TorchSharp.torch.ScalarType.Float64).data<double>().ToArray();
            var labels = data.Train.Labels!.data<long>().ToArray();
            var text = new StringBuilder("label,").AppendLine(string.Join(",", Enumerable.Range(0, 7).Select(d => $"f{d}")));
            for (int n = 0; n < 120; n++)
                text.Append(labels[n]).Append(',').AppendLine(string.Join(",", values.Skip(n * 7).Take(7).Select(v => v.ToString("R", CultureInfo.InvariantCulture))));
            File.WriteAllText(Path.Combine(directory, "vectors.csv"), text.ToString());
        }
        var csv = Path.Combine(directory, "vectors.csv");
        var train = Path.Combine(directory, "train");
        // Every other option at its default; the CSV has no test part, so the default test fraction holds out 24 rows.
        var (code, error) = CliRunner.Run("vae", "train", "--data", csv, "--decoder", "gaussian-learned", "--out", train);
        Assert.True(code == 0, error);
        foreach (var file in new[] { "model/config.json", "metrics.json", "reconstruction-error.png", "latent-means.png", "curves.png", "report.md" })
            Assert.True(File.Exists(Path.Combine(train, file)), $"{file} missing");
        Assert.False(File.Exists(Path.Combine(train, "reconstructions.png")));
        var metrics = JsonNode.Parse(File.ReadAllText(Path.Combine(train, "metrics.json")))!;
        Assert.True(metrics["test_iwae_loglik"]!.GetValue<double>() >= -metrics["test_neg_elbo"]!.GetValue<double>());

        var eval = Path.Combine(directory, "eval");
        (code, error) = CliRunner.Run("vae", "eval", "--model", Path.Combine(train, "model"), "--data", csv, "--out", eval);
        Assert.True(code == 0, error);
        Assert.True(File.Exists(Path.Combine(eval, "metrics.json")));

        var sample = Path.Combine(directory, "sample");
        (code, error) = CliRunner.Run("vae", "sample", "--model", Path.Combine(train, "model"), "--count", "5", "--out", sample);
        Assert.True(code == 0, error);
        Assert.Equal(6, File.ReadAllLines(Path.Combine(sample, "samples.csv")).Length);

        (code, error) = CliRunner.Run("vae", "train", "--data", csv, "--decoder", "bernoulli", "--out", Path.Combine(directory, "bernoulli"));
        Assert.Equal(1, code);
        Assert.Contains("the bernoulli decoder needs features in [0, 1]", error);
    }
}
