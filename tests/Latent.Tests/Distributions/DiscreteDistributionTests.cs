using Latent.Distributions;
using static TorchSharp.torch;

namespace Latent.Tests.Distributions;

public class DiscreteDistributionTests : TorchTest
{
    [Fact]
    public void BernoulliLogProbMatchesDirectFormulaIncludingExtremeLogits()
    {
        double[] logits = { -3.0, 0.0, 2.5, 40.0, -40.0 }, x = { 0, 1, 1, 0, 0.3 };
        var d = new BernoulliLogits(tensor(logits));
        double expected = 0;
        for (int i = 0; i < logits.Length; i++)
        {
            double logP = -Math.Log(1 + Math.Exp(-logits[i]));
            double log1mP = -Math.Log(1 + Math.Exp(logits[i]));
            expected += x[i] * logP + (1 - x[i]) * log1mP;
        }
        Assert.Equal(expected, d.LogProb(tensor(x)).item<double>(), 9);
    }

    [Fact]
    public void BernoulliEntropyMatchesDirectFormula()
    {
        var d = new BernoulliLogits(tensor(new[] { 0.3 }));
        double p = 1 / (1 + Math.Exp(-0.3));
        Assert.Equal(-(p * Math.Log(p) + (1 - p) * Math.Log(1 - p)), d.Entropy().item<double>(), 12);
    }

    [Fact]
    public void CategoricalLogProbAndEntropyMatchDirectFormulas()
    {
        double[] logits = { 1.0, -0.5, 3.0, 0.2 };
        var d = new CategoricalLogits(tensor(logits));
        double logZ = Math.Log(logits.Sum(Math.Exp));
        Assert.Equal(logits[2] - logZ, d.LogProb(tensor(2L)).item<double>(), 12);
        double entropy = -logits.Sum(l => Math.Exp(l - logZ) * (l - logZ));
        Assert.Equal(entropy, d.Entropy().item<double>(), 12);
    }

    [Fact]
    public void CategoricalSamplesFollowTheProbabilities()
    {
        var d = new CategoricalLogits(tensor(new[] { 0.0f, (float)Math.Log(3.0) }).expand(100_000, 2));
        using var generator = new Generator(5);
        double fraction = d.Sample(generator).to(ScalarType.Float64).mean().item<double>();
        Assert.Equal(0.75, fraction, 2);
    }
}
