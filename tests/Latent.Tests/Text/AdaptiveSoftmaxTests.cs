using Latent.Text;
using static TorchSharp.torch;

namespace Latent.Tests.Text;

/// <summary>The language model's adaptive softmax (Grave et al. 2017) against the same distribution written out by hand in float64.</summary>
public sealed class AdaptiveSoftmaxTests : TorchTest
{
    private const int Vocabulary = 11, Size = 16;

    private static LstmLanguageModel Model() =>
        new(Vocabulary, new LanguageModelOptions { EmbeddingSize = Size, HiddenSize = Size, Dropout = 0, TieWeights = false, Softmax = "adaptive", Cutoffs = [3, 7] }, CPU);

    /// <summary>log p(w | h) [N, V] from the saved weights: the head's softmax over 3 words + 2 cluster tokens, times each cluster's own softmax.</summary>
    private static double[,] ByHand(IReadOnlyDictionary<string, Tensor> weights, Tensor hidden)
    {
        var h = hidden.to(ScalarType.Float64);
        Tensor W(string name) => weights[name].to(ScalarType.Float64);
        var head = h.matmul(W("projection.head.weight").t()).softmax(-1);
        var clusters = new[] { (Start: 3, Index: 0), (Start: 7, Index: 1) }
            .Select(c => h.matmul(W($"projection.tail.{c.Index}.0.weight").t()).matmul(W($"projection.tail.{c.Index}.1.weight").t()).softmax(-1)).ToArray();
        var result = new double[h.shape[0], Vocabulary];
        for (int n = 0; n < h.shape[0]; n++)
            for (int w = 0; w < Vocabulary; w++)
                result[n, w] = Math.Log(w < 3 ? head[n, w].item<double>()
                    : w < 7 ? head[n, 3].item<double>() * clusters[0][n, w - 3].item<double>()
                    : head[n, 4].item<double>() * clusters[1][n, w - 7].item<double>());
        return result;
    }

    private static IEnumerable<Tensor> OutputParameters(LstmLanguageModel model) =>
        model.named_parameters().Where(p => p.name.StartsWith("projection.", StringComparison.Ordinal)).Select(p => (Tensor)p.parameter);

    [Fact]
    public void WeightsAreLaidOutAsPyTorchsAdaptiveLogSoftmaxWithLoss()
    {
        manual_seed(1);
        using var model = Model();
        var shapes = model.state_dict().Where(p => p.Key.StartsWith("projection.", StringComparison.Ordinal)).ToDictionary(p => p.Key, p => p.Value.shape);
        Assert.Equal(new Dictionary<string, long[]>
        {
            ["projection.head.weight"] = [5, 16], ["projection.tail.0.0.weight"] = [4, 16], ["projection.tail.0.1.weight"] = [4, 4],
            ["projection.tail.1.0.weight"] = [1, 16], ["projection.tail.1.1.weight"] = [4, 1],
        }, shapes);
        Assert.Equal([3, 7], Assert.IsType<int[]>(model.AdaptiveCutoffs));
    }

    [Fact]
    public void LogProbabilitiesAreANormalisedDistributionEqualToTheHandWrittenOne()
    {
        manual_seed(2);
        using var model = Model();
        var hidden = randn(2, 3, Size) * 2;
        var logProbabilities = model.Project(hidden);
        Assert.Equal([2L, 3, Vocabulary], logProbabilities.shape);
        var expected = ByHand(model.state_dict(), hidden.reshape(6, Size));
        var actual = logProbabilities.reshape(6, Vocabulary).to(ScalarType.Float64);
        for (int n = 0; n < 6; n++)
        {
            Assert.Equal(1.0, actual[n].exp().sum().item<double>(), 1e-5);
            for (int w = 0; w < Vocabulary; w++) Assert.Equal(expected[n, w], actual[n, w].item<double>(), 1e-5);
        }
    }

    [Fact]
    public void CrossEntropyComputesEachClusterForItsTargetsAndMatchesTheFullLogProbabilitiesWithTheirGradients()
    {
        manual_seed(3);
        using var model = Model();
        var hidden = randn(4, 5, Size);
        var targets = tensor(new long[] { 0, 1, 2, 3, 4, 5, 6, 7, 8, 9, 10, 0, 1, 4, 8, 10, 2, 2, 3, 9 }).view(4, 5);
        var expected = ByHand(model.state_dict(), hidden.reshape(20, Size));
        double byHand = -Enumerable.Range(0, 20).Average(n => expected[n, targets.reshape(-1)[n].item<long>()]);

        var loss = model.CrossEntropy(hidden, targets);
        Assert.Equal(byHand, loss.item<float>(), 1e-5);
        var gradients = autograd.grad([loss], [.. OutputParameters(model)]);
        var reference = -model.Project(hidden).gather(2, targets.unsqueeze(2)).mean();
        var referenceGradients = autograd.grad([reference], [.. OutputParameters(model)]);
        for (int i = 0; i < gradients.Count; i++)
            Assert.True(gradients[i].allclose(referenceGradients[i], rtol: 1e-4, atol: 1e-6), $"gradient {i} differs");

        // Only cluster 1's targets reach cluster 1's weights: with none there, its gradient is zero.
        var shortlistOnly = model.CrossEntropy(hidden, targets.remainder(3));
        var tail1 = model.state_dict()["projection.tail.1.1.weight"];
        var clusterGradient = autograd.grad([shortlistOnly], [tail1], allow_unused: true)[0];
        Assert.True(clusterGradient is null || clusterGradient.IsInvalid || clusterGradient.abs().max().item<float>() == 0);
    }

    [Fact]
    public void CutoffsDefaultFromTheVocabularySizeAndBadOnesAreOneLineErrors()
    {
        var options = new LanguageModelOptions { TieWeights = false, Softmax = "adaptive" };
        Assert.Equal([2000, 10_000], options.CutoffsFor(40_000));
        Assert.Equal([250, 1000], options.CutoffsFor(2000));
        Assert.Equal([1, 6], options.CutoffsFor(12));
        Assert.Contains("--untied", Assert.Throws<LatentException>(() => new LanguageModelOptions { Softmax = "adaptive" }.Validate()).Message);
        Assert.Contains("increasing", Assert.Throws<LatentException>(() => (options with { Cutoffs = [5, 5] }).Validate()).Message);
        Assert.Contains("below the vocabulary size", Assert.Throws<LatentException>(() => (options with { Cutoffs = [5, 20] }).CutoffsFor(12)).Message);
        Assert.Contains("too small", Assert.Throws<LatentException>(() => (options with { HiddenSize = 8, EmbeddingSize = 8, Cutoffs = [2, 4] }).CutoffsFor(12)).Message);
    }
}
