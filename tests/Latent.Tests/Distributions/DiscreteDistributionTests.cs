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
    public void BernoulliLogProbBroadcastsDataAgainstSampleDimensions()
    {
        var logits = tensor(new[] { 0.5, -1.0, 2.0, 0.0 }).reshape(2, 1, 2);
        var x = tensor(new[] { 1.0, 0.0 }).reshape(1, 2);
        var joint = new BernoulliLogits(logits).LogProb(x);
        Assert.Equal(new long[] { 2, 1 }, joint.shape);
        Assert.Equal(new BernoulliLogits(logits[1]).LogProb(x).item<double>(), joint[1, 0].item<double>(), 12);
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

    [Fact]
    public void CategoricalFollowsTheDistributionContract()
    {
        IDistribution d = new CategoricalLogits(tensor(new[,] { { 0.0, 1.0, 2.0 }, { 2.0, 0.0, -1.0 } }).requires_grad_());
        Assert.Equal(0, d.EventDimensions);
        Assert.False(d.HasRSample);
        Assert.Throws<LatentException>(() => d.RSample());
        using var classes = tensor(new long[] { 2, 0 });
        Assert.True(d.LogProb(classes).eq(d.LogProbPerDimension(classes)).all().item<bool>());
        Assert.Equal([2L], d.LogProb(classes).shape);
        var sample = d.Sample(new Generator(1));
        Assert.False(sample.requires_grad);
        Assert.Equal([2L], sample.shape);
        Assert.True(d.Mean.isnan().all().item<bool>());
    }
}
