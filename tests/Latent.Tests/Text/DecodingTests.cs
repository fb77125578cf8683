using Latent.Text;
using TorchSharp;
using static TorchSharp.torch;

namespace Latent.Tests.Text;

public class DecodingTests : TorchTest
{
    [Fact]
    public void SamplingAtTemperatureNearZeroEqualsGreedy()
    {
        var generator = new Generator(11);
        var random = new Random(2);
        for (int trial = 0; trial < 20; trial++)
        {
            var logits = tensor(Enumerable.Range(0, 50).Select(_ => (float)(random.NextDouble() * 4)).ToArray());
            long greedy = TokenSampler.Greedy(logits);
            Assert.Equal(logits.data<float>().ToArray().Select((x, i) => (x, i)).Max().i, greedy);
            Assert.Equal(greedy, TokenSampler.Sample(logits, 1e-4, 0, generator));
            Assert.Equal(greedy, TokenSampler.Sample(logits, 1.0, 1, generator));
        }
    }

    [Fact]
    public void SamplingFrequenciesFollowTheTemperedSoftmaxRestrictedToTopK()
    {
        var logits = tensor(new[] { 2.0f, 1.0f, 0.0f, -1.0f });
        var generator = new Generator(5);
        const int n = 20_000;
        var counts = new int[4];
        for (int i = 0; i < n; i++) counts[TokenSampler.Sample(logits, 0.5, 3, generator)]++;
        double[] weights = [Math.Exp(4), Math.Exp(2), Math.Exp(0), 0];
        for (int k = 0; k < 4; k++)
        {
            double p = weights[k] / weights.Sum();
            Assert.InRange(counts[k] / (double)n, p - 4 * Math.Sqrt(p * (1 - p) / n) - 1e-9, p + 4 * Math.Sqrt(p * (1 - p) / n) + 1e-9);
        }
    }

    [Fact]
    public void NearestEmbeddingPicksTheMostCosineSimilarRowIgnoringNorms()
    {
        var embeddings = tensor(new float[] { 10, 0, 0, 1, 0.6f, 0.8f }, [3, 2]);
        using var decoder = new NearestEmbeddingDecoder(embeddings);
        var outputs = tensor(new float[] { 1, 0.1f, 0.1f, 1, 0.5f, 0.9f }, [3, 2]);
        Assert.Equal(new long[] { 0, 1, 2 }, decoder.Decode(outputs).data<long>().ToArray());
        var logP = decoder.LogProbabilities(outputs, 0.1);
        Assert.Equal(1.0, logP[0].exp().sum().item<float>(), 5);
        double c0 = 1 / Math.Sqrt(1.01), c2 = (0.6 + 0.08) / Math.Sqrt(1.01);
        double expected = c0 / 0.1 - Math.Log(Math.Exp(c0 / 0.1) + Math.Exp(0.1 / Math.Sqrt(1.01) / 0.1) + Math.Exp(c2 / 0.1));
        Assert.Equal(expected, logP[0, 0].item<float>(), 4);
    }

    [Fact]
    public void InvalidTemperatureOrLogitsRaiseLatentException()
    {
        var logits = tensor(new[] { 1f, 2f });
        Assert.Throws<LatentException>(() => TokenSampler.Sample(logits, 0, 0, new Generator(1)));
        Assert.Throws<LatentException>(() => TokenSampler.Sample(tensor(new[] { 1f, float.NaN }), 1, 0, new Generator(1)));
        Assert.Throws<LatentException>(() => TokenSampler.Greedy(zeros(2, 2)));
    }
}
