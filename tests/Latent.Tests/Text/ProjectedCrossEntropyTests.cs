using Latent.Text;
using TorchSharp;
using static TorchSharp.torch;

namespace Latent.Tests.Text;

/// <summary>The language model's training loss (<see cref="LstmLanguageModel.CrossEntropy"/>) against cross_entropy of its logits.</summary>
public class ProjectedCrossEntropyTests : TorchTest
{
    [Theory]
    [InlineData(true, 50, 4, 7)]
    [InlineData(false, 50, 4, 7)]
    [InlineData(true, 30_000, 20, 30)] // 600 × 30,000 logits: more than one block of the reused buffer
    public void LossAndGradientsEqualCrossEntropyOfTheLogits(bool tied, int vocabulary, int batch, int time)
    {
        var options = new LanguageModelOptions { EmbeddingSize = 8, HiddenSize = 8, Dropout = 0, TieWeights = tied };
        manual_seed(11);
        using var model = new LstmLanguageModel(vocabulary, options, CPU);
        using (no_grad())
        {
            // a non-zero bias and larger weights, so that the softmax is far from uniform
            model.OutputBias.copy_(randn(vocabulary) * 2);
            model.OutputWeight.mul_(20);
        }
        var tokens = randint(vocabulary, [batch, time + 1]);
        var (input, target) = (tokens.narrow(1, 0, time), tokens.narrow(1, 1, time));
        var state = (randn(1, batch, 8), randn(1, batch, 8));

        var (logits, _) = model.forward(input, state);
        var expected = nn.functional.cross_entropy(logits.reshape(-1, vocabulary), target.reshape(-1));
        (expected * 3).backward();
        var expectedGradients = model.parameters().Select(p => p.grad!.clone()).ToList();
        model.zero_grad();

        var loss = model.CrossEntropy(model.Hidden(input, state).Output, target);
        (loss * 3).backward();
        var gradients = model.parameters().Select(p => p.grad!).ToList();

        Assert.True(expected.item<float>() > 1, $"loss {expected.item<float>()} is too small to be a useful check");
        Assert.Equal(expected.item<float>(), loss.item<float>(), 1e-5 * expected.item<float>());
        Assert.Equal(expectedGradients.Count, gradients.Count);
        for (int i = 0; i < gradients.Count; i++)
        {
            double scale = expectedGradients[i].abs().max().item<float>();
            double difference = (gradients[i] - expectedGradients[i]).abs().max().item<float>();
            Assert.True(scale > 0, $"gradient {i} is zero");
            Assert.True(difference <= 1e-4 * scale, $"gradient {i} differs by {difference} (scale {scale})");
        }
    }

    [Fact]
    public void WithoutGradientsOnlyTheLossIsComputed()
    {
        manual_seed(12);
        using var model = new LstmLanguageModel(40, new LanguageModelOptions { EmbeddingSize = 8, HiddenSize = 8, Dropout = 0 }, CPU);
        var tokens = randint(40, [3, 9]);
        var (input, target) = (tokens.narrow(1, 0, 8), tokens.narrow(1, 1, 8));
        var (logits, _) = model.forward(input, null);
        float expected = nn.functional.cross_entropy(logits.reshape(-1, 40), target.reshape(-1)).item<float>();
        using var noGrad = no_grad();
        var loss = model.CrossEntropy(model.Hidden(input, null).Output, target);
        Assert.False(loss.requires_grad);
        Assert.Equal(expected, loss.item<float>(), 1e-5 * expected);
    }
}
