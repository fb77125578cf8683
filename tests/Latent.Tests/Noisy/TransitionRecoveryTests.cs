using Latent.Data;
using Latent.Noisy;

namespace Latent.Tests.Noisy;

/// <summary>The learned Q recovers the true T on real images: MNIST digits 0, 1 and 2 under 30% pair-flip noise, trained end to end.</summary>
public sealed class TransitionRecoveryTests : TorchTest
{
    [Theory]
    [InlineData(NoiseModel.Softmax)]
    [InlineData(NoiseModel.Project)]
    public void LearnedQOnThreeMnistClassesUnderPairFlipNoiseIsWithinFiveHundredthsOfT(NoiseModel model)
    {
        using var mnist = DatasetLoader.EmbeddedMnist();
        using var three = mnist.FirstClasses(3);
        // Small size for a unit test: 6000 training images and an MLP instead of all 18,623 images and the CNN; every other option at its default.
        using var classifier = NoisyClassifier.For(three, NoisyTrainingOptions.Default with { Model = model, Architecture = "mlp", Examples = 6000 });
        var result = classifier.Fit(three, "pairflip:0.3");
        // T for pair-flip 0.3 on three classes, columns the true class: 0.7 stays, 0.3 moves to the next class (mod 3).
        double[] truth = [0.7, 0, 0.3, 0.3, 0.7, 0, 0, 0.3, 0.7];
        var q = classifier.Transition();
        double error = q.Zip(truth, (a, b) => Math.Abs(a - b)).Max();
        Assert.True(error <= 0.05, $"max |Q − T| = {error:G3}; Q = [{string.Join(", ", q.Select(v => v.ToString("F3")))}]");
        Assert.True(result.SelectedAccuracy > 0.95, $"clean test accuracy {result.SelectedAccuracy}");
    }
}
