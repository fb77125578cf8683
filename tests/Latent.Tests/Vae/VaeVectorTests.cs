using Latent.Data;
using Latent.Vae;
using static TorchSharp.torch;

namespace Latent.Tests.Vae;

/// <summary>The library on real-valued vectors (D = 7, far from [0, 1]): Fit, Evaluate, predictions and figures with a Gaussian decoder.</summary>
public sealed class VaeVectorTests : TorchTest, IDisposable
{
    private readonly string directory = Directory.CreateTempSubdirectory("latent-vae-vectors-").FullName;

    public void Dispose() => Directory.Delete(directory, recursive: true);

    private static readonly VaeOptions Options = new() { Latent = 2, Hidden = [32], Decoder = DecoderKind.GaussianLearned, Epochs = 80, BatchSize = 20, LearningRate = 3e-3, EvalIwaeSamples = 200, Seed = 3 };

    /// <summary>log p(x) per example under independent Gaussians fitted to <paramref name="train"/>, averaged over <paramref name="test"/> (float64).</summary>
    private static double IndependentGaussianLogLikelihood(Tensor train, Tensor test)
    {
        var mean = train.to(ScalarType.Float64).mean([0L]);
        var variance = train.to(ScalarType.Float64).var(0, unbiased: false);
        var x = test.to(ScalarType.Float64);
        return (-0.5 * ((2 * Math.PI * variance).log() + (x - mean).square() / variance)).sum(1).mean().item<double>();
    }

    [Fact]
    public void GaussianVaeLearnsTheCorrelationsOfRealValuedVectorsAndItsIwaeBoundLiesAboveTheElbo()
    {
        using var data = TinyData.Vectors();
        using var model = new VaeModel(Options, data.ExampleShape);
        var curve = model.Fit(data);
        var metrics = model.Evaluate(data.Test);

        Assert.True(curve.Epochs[^1].Value < curve.Epochs[0].Value - 5, $"training loss did not fall: {curve.Epochs[0].Value} -> {curve.Epochs[^1].Value}");
        Assert.Equal(Options.Epochs, curve.Evaluations.Count);
        Assert.True(metrics.TestIwaeLogLikelihood >= -metrics.TestNegativeElbo, $"IWAE {metrics.TestIwaeLogLikelihood} below ELBO {-metrics.TestNegativeElbo}");
        double baseline = IndependentGaussianLogLikelihood(data.Train.Features, data.Test.Features);
        Assert.True(metrics.TestIwaeLogLikelihood > baseline + 3, $"VAE log-likelihood {metrics.TestIwaeLogLikelihood} should beat independent Gaussians {baseline}: the data lie near a plane");
        Assert.Equal(["test_neg_elbo", "active_units", "kl_weight", "kl_warmup_epochs", "test_iwae_loglik", "test_iwae_loglik_stderr", "test_iwae_loglik_tenth_k"], metrics.ToDictionary().Keys);
        Assert.True(metrics.Iwae!.LogLikelihood >= metrics.Iwae.LogLikelihoodWithFewerSamples - 3 * metrics.Iwae.StandardError, "k = 200 should not score far below k = 20");
        Assert.Equal(2, metrics.ActiveUnits); // the data vary along a 2-D plane: both latent units carry information
        Assert.Equal(100, metrics.IwaeExamples);

        var error = model.ReconstructionErrorPerFeature(data.Test).data<double>().ToArray();
        var variance = data.Test.Features.to(ScalarType.Float64).var(0).data<double>().ToArray();
        for (int d = 0; d < 7; d++) Assert.True(error[d] < 0.2 * variance[d], $"feature {d}: reconstruction error {error[d]} vs variance {variance[d]}");
        var samples = model.Sample(2000, seed: 4);
        Assert.InRange((samples.mean([0L]) - data.Train.Features.mean([0L])).abs().max().item<float>(), 0, 1.0f);

        var figures = VaeFigures.WriteAll(directory, model, data.Test, seed: 5).Select(f => Path.GetFileName(f.Path)).ToList();
        Assert.Equal(["reconstruction-error.png", "latent-means.png"], figures);
        Assert.Equal(["samples.csv"], VaeFigures.WriteSamples(directory, model, 9, seed: 5).Select(f => Path.GetFileName(f.Path)));
        Assert.Equal(10, File.ReadAllLines(Path.Combine(directory, "samples.csv")).Length);
    }

    [Fact]
    public void MetricsAreInTheDataUnitsWhateverTheStandardisation()
    {
        // Standardised, data scaled by 1000 becomes the same numbers, so the model trains the same; its log-density in the data's
        // units must then be lower by exactly D·log 1000 (the Jacobian of the scaling).
        var options = Options with { Epochs = 3, EvalIwaeSamples = 20 };
        VaeMetrics Run(double scale)
        {
            using var raw = TinyData.Vectors(train: 100, test: 40, scale: scale);
            using var data = raw.Standardized();
            using var model = new VaeModel(options, data.ExampleShape);
            model.Fit(data);
            return model.Evaluate(data.Test);
        }
        var small = Run(3.0);
        var large = Run(3000.0);
        double jacobian = 7 * Math.Log(1000);
        Assert.Equal(small.TestNegativeElbo + jacobian, large.TestNegativeElbo, 0.05);
        Assert.Equal(small.TestIwaeLogLikelihood!.Value - jacobian, large.TestIwaeLogLikelihood!.Value, 0.05);
    }

    [Fact]
    public void LoadedModelPreparesRawDataWithItsSavedStandardisation()
    {
        using var raw = TinyData.Vectors(train: 100, test: 40);
        using var data = raw.Standardized();
        var options = Options with { Epochs = 15, EvalIwaeSamples = 10 };
        using var model = new VaeModel(options, data.FeatureCount);
        Assert.False(model.IsTrained);
        var first = model.Fit(data);
        model.Save(Path.Combine(directory, "model"));
        using var loaded = VaeModel.Load(Path.Combine(directory, "model"));
        Assert.True(loaded.IsTrained);
        var prepared = loaded.Preprocessed(raw.Test);
        Assert.True(prepared.Features.allclose(data.Test.Features, rtol: 1e-5, atol: 1e-5));
        Assert.Equal(model.Evaluate(data.Test), loaded.Evaluate(prepared));

        // A further fit continues from the loaded weights (the output bias is not reset to the data statistics).
        var continued = loaded.Fit(data);
        Assert.True(continued.Evaluations[0].Value < first.Evaluations[0].Value, $"continued {continued.Evaluations[0].Value} vs fresh {first.Evaluations[0].Value}");
    }
}
