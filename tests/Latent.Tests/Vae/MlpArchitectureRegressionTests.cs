using System.Globalization;
using Latent.Data;
using Latent.Vae;
using static TorchSharp.torch;

namespace Latent.Tests.Vae;

/// <summary>
/// The MLP architecture stays as it was before encoders and decoders became pluggable: a tiny seeded run gives the figures recorded from
/// the code before that change (same initial weights, batches, noise and evaluation).
/// </summary>
public sealed class MlpArchitectureRegressionTests : TorchTest
{
    public static TheoryData<DecoderKind, double, double, double, double> Recorded => new()
    {
        { DecoderKind.Bernoulli, 13.98546314239502, 14.021516418457031, -13.882727718353271, 49.913707584142685 },
        { DecoderKind.GaussianLearned, 9.96546459197998, 17.968505151302715, -17.93312805417289, 1.378507656045258 },
    };

    [Theory]
    [MemberData(nameof(Recorded))]
    public void ATinyMlpRunGivesTheFiguresRecordedBeforeTheArchitecturesBecamePluggable(DecoderKind kind, double lastLoss, double negativeElbo, double iwae, double sampleSum)
    {
        using var data = kind == DecoderKind.Bernoulli
            ? new Dataset(new DataPart(TinyModels.Intensities(60, 20, seed: 61).reshape(60, 1, 4, 5), null),
                new DataPart(TinyModels.Intensities(20, 20, seed: 62).reshape(20, 1, 4, 5), null), 0, null, "tiny images")
            : TinyData.Vectors(train: 60, test: 20).Standardized();
        var options = new VaeOptions { Latent = 3, Hidden = [12, 8], Decoder = kind, Epochs = 2, BatchSize = 16, EvalIwaeSamples = 20, Seed = 63 };
        using var model = new VaeModel(options, data.ExampleShape);
        var curve = model.Fit(data);
        var metrics = model.Evaluate(data.Test);
        using var samples = model.Sample(5, seed: 64);
        double[] actual = [curve.Steps[^1].Value, metrics.TestNegativeElbo, metrics.Iwae!.LogLikelihood, samples.to(ScalarType.Float64).sum().item<double>()];
        double[] expected = [lastLoss, negativeElbo, iwae, sampleSum];
        // Recorded on one machine; other CPUs' kernels may round float32 sums differently in the last digits, never by 1e-4.
        for (int i = 0; i < expected.Length; i++)
            Assert.True(Math.Abs(actual[i] - expected[i]) <= 1e-4 * Math.Max(1, Math.Abs(expected[i])),
                $"{kind}: figure {i} is {actual[i].ToString("R", CultureInfo.InvariantCulture)}, recorded {expected[i].ToString("R", CultureInfo.InvariantCulture)}; all: {string.Join(", ", actual.Select(v => v.ToString("R", CultureInfo.InvariantCulture)))}");
    }
}
