using Latent.Distributions;
using static TorchSharp.torch;

namespace Latent.Tests.Distributions;

public class KlTests : TorchTest
{
    [Fact]
    public void DiagonalGaussianKlMatchesScalarFormulaPerDimension()
    {
        double[] mq = { 0.1, -0.7 }, vq = { 0.5, 2.0 }, mp = { 1.0, 0.3 }, vp = { 1.5, 0.8 };
        var q = new DiagonalGaussian(tensor(mq), tensor(vq.Select(v => Math.Log(v)).ToArray()));
        var p = new DiagonalGaussian(tensor(mp), tensor(vp.Select(v => Math.Log(v)).ToArray()));
        double expected = 0;
        for (int i = 0; i < 2; i++)
            expected += Math.Log(Math.Sqrt(vp[i]) / Math.Sqrt(vq[i])) + (vq[i] + (mq[i] - mp[i]) * (mq[i] - mp[i])) / (2 * vp[i]) - 0.5;
        Assert.Equal(expected, Kl.Between(q, p).item<double>(), 12);
    }

    [Fact]
    public void KlAgreesWithMonteCarloEstimate()
    {
        var q = new DiagonalGaussian(tensor(new[] { 0.4, -1.0, 2.0 }), tensor(new[] { -0.3, 0.2, -1.0 }));
        var p = new DiagonalGaussian(tensor(new[] { 0.0, -0.5, 1.0 }), tensor(new[] { 0.1, -0.2, 0.5 }));
        using var generator = new Generator(11);
        var z = q.RSample(400_000, generator);
        var logRatio = q.LogProb(z) - p.LogProb(z);
        double estimate = logRatio.mean().item<double>();
        double standardError = logRatio.std().item<double>() / Math.Sqrt(400_000);
        Assert.InRange(Kl.Between(q, p).item<double>() - estimate, -4 * standardError, 4 * standardError);
    }

    [Fact]
    public void StandardNormalKlEqualsGeneralFormulaAndVanishesAtThePrior()
    {
        var q = new DiagonalGaussian(tensor(new[] { 0.4, -1.0 }), tensor(new[] { -0.3, 0.2 }));
        var prior = DiagonalGaussian.StandardNormal(new long[] { 2 }, ScalarType.Float64);
        Assert.Equal(Kl.Between(q, prior).item<double>(), Kl.FromStandardNormal(q).item<double>(), 12);
        Assert.Equal(0.0, Kl.FromStandardNormal(prior).item<double>(), 12);
    }
}
