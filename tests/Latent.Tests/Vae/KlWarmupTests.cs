using System.Text.Json.Nodes;
using Latent.Tests.Cli;
using Latent.Vae;
using static TorchSharp.torch;

namespace Latent.Tests.Vae;

/// <summary>β-VAE weight, linear KL warm-up and the active-units count (Burda et al. 2016).</summary>
public sealed class KlWarmupTests : TorchTest, IDisposable
{
    private readonly string directory = Directory.CreateTempSubdirectory("latent-vae-warmup-").FullName;

    public void Dispose() => Directory.Delete(directory, true);

    [Fact]
    public void TheKlWeightRisesLinearlyFromZeroToBetaOverTheWarmUpEpochs()
    {
        var options = new VaeOptions { KlWeight = 2, KlWarmupEpochs = 4 };
        Assert.Equal([0.0, 0.5, 1.0, 1.5, 2.0, 2.0], Enumerable.Range(0, 6).Select(options.KlWeightAt));
        Assert.Equal(0.5, Assert.IsType<ElboObjective>(options.CreateObjective(1)).KlWeight);
        Assert.Equal(2.0, Assert.IsType<ElboObjective>(options.CreateObjective()).KlWeight);
        Assert.Equal(1.0, new VaeOptions().KlWeightAt(0));
    }

    [Fact]
    public void WarmUpNeedsAnElboObjectiveAndANonNegativeLength()
    {
        Assert.Contains("KL warm-up needs an ELBO objective", Assert.Throws<LatentException>(() => new VaeOptions { Objective = "iwae:5", KlWarmupEpochs = 2 }.Validate()).Message);
        Assert.Contains("warm-up epochs", Assert.Throws<LatentException>(() => new VaeOptions { KlWarmupEpochs = -1 }.Validate()).Message);
    }

    [Fact]
    public void DuringWarmUpTheFirstEpochTrainsOnTheReconstructionTermAlone()
    {
        using var raw = TinyData.Vectors(train: 64, test: 16);
        using var data = raw.Standardized();
        var options = new VaeOptions { Latent = 3, Hidden = [8], Decoder = DecoderKind.GaussianLearned, Epochs = 2, BatchSize = 16, EvalIwaeSamples = 0, Ema = 0, Seed = 5 };
        using var plain = new VaeModel(options, data.ExampleShape);
        using var warm = new VaeModel(options with { KlWarmupEpochs = 2 }, data.ExampleShape);
        var plainCurve = plain.Fit(data);
        var warmCurve = warm.Fit(data);

        // Same seed, same weights, same first batch and noise: the first losses differ by exactly the KL term, which is positive.
        Assert.True(warmCurve.Steps[0].Value < plainCurve.Steps[0].Value, $"{warmCurve.Steps[0].Value} vs {plainCurve.Steps[0].Value}");
        Assert.NotEqual(plainCurve.Steps[^1].Value, warmCurve.Steps[^1].Value);
    }

    [Fact]
    public void ActiveUnitsCountTheLatentDimensionsWhosePosteriorMeanVariesAcrossExamples()
    {
        // Columns with population variances 1.0, 0.0001 and 0.04: unbiased (n − 1) variances 4/3, 4/3·10⁻⁴ and 0.0533 → two above 0.01.
        using var means = tensor(new float[,] { { 1, 0.01f, 0.2f }, { -1, -0.01f, -0.2f }, { 1, 0.01f, 0.2f }, { -1, -0.01f, -0.2f } });
        Assert.Equal(2, VaeDiagnostics.ActiveUnits(means));
        Assert.Equal(1, VaeDiagnostics.ActiveUnits(means, threshold: 0.1));
        Assert.Equal(0, VaeDiagnostics.ActiveUnits(means.narrow(0, 0, 1)));
    }

    [Fact]
    public void TrainRecordsBetaWarmUpAndActiveUnitsInMetricsAndTheReport()
    {
        var data = TinyData.WriteIdxFolder(Path.Combine(directory, "idx"));
        var outDir = Path.Combine(directory, "train");
        var (code, error) = CliRunner.Run("vae", "train", "--data", data, "--latent", "4", "--hidden", "16", "--epochs", "2", "--iwae-k", "0",
            "--kl-weight", "0.5", "--kl-warmup", "1", "--out", outDir);
        Assert.True(code == 0, error);
        var metrics = JsonNode.Parse(File.ReadAllText(Path.Combine(outDir, "metrics.json")))!.AsObject();
        Assert.Equal(0.5, metrics["kl_weight"]!.GetValue<double>());
        Assert.Equal(1, metrics["kl_warmup_epochs"]!.GetValue<double>());
        double active = metrics["active_units"]!.GetValue<double>();
        Assert.InRange(active, 0, 4);
        Assert.Contains($"{active} of 4", File.ReadAllText(Path.Combine(outDir, "report.md")));
        var (badCode, badError) = CliRunner.Run("vae", "train", "--data", data, "--objective", "iwae:5", "--kl-warmup", "2", "--out", Path.Combine(directory, "bad"));
        Assert.NotEqual(0, badCode);
        Assert.Contains("KL warm-up needs an ELBO objective", badError);
    }
}
