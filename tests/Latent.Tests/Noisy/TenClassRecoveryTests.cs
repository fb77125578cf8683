using Latent.Data;
using Latent.Noisy;
using TorchSharp;
using static TorchSharp.torch;

namespace Latent.Tests.Noisy;

/// <summary>At ten classes under 45% pair-flip noise (the hardest of the cases: a class keeps its label only 55% of the time) every default recovers T.</summary>
public sealed class TenClassRecoveryTests : TorchTest
{
    /// <summary>Ten Gaussian clusters in 16 dimensions (means from N(0, 3² I), unit spread), <paramref name="perClass"/> examples each, seeded.</summary>
    private static (Tensor Features, Tensor Labels) Clusters(Tensor means, int perClass, Generator generator)
    {
        var labels = arange(means.shape[0], dtype: ScalarType.Int64).repeat_interleave(perClass);
        return (means.index_select(0, labels) + randn(new long[] { labels.shape[0], means.shape[1] }, generator: generator), labels);
    }

    [Theory]
    [InlineData(NoiseModel.Softmax)]
    [InlineData(NoiseModel.Project)]
    [InlineData(NoiseModel.Forward)]
    public void EveryModelRecoversTenClassPairFlipNoiseWithinFiveHundredths(NoiseModel model)
    {
        var generator = new Generator(7);
        using var means = randn(new long[] { 10, 16 }, generator: generator) * 3;
        var (train, labels) = Clusters(means, 2000, generator);
        var (test, testLabels) = Clusters(means, 50, generator);
        // T for pair-flip 0.45, columns the true class: 0.55 stays, 0.45 moves to the next class (mod 10).
        var truth = new double[10, 10];
        for (int j = 0; j < 10; j++) (truth[j, j], truth[(j + 1) % 10, j]) = (0.55, 0.45);
        using var transition = tensor(truth);
        using var noisy = LabelNoise.Inject(labels, transition, new Generator(8));
        using var realised = LabelNoise.Realised(labels, noisy, 10);
        var experiment = new NoisyLabelExperiment(train, noisy, test, testLabels, transition);
        // Small size for a unit test: 20,000 examples and 6 epochs; every other option at its default.
        var result = experiment.Run(model, NoisyTrainingOptions.Default with { Model = model, Epochs = 6 });
        double error = 0;
        for (int i = 0; i < 10; i++)
            for (int j = 0; j < 10; j++)
                error = Math.Max(error, Math.Abs(result.Transition[i * 10 + j] - truth[i, j]));
        Assert.True(error <= 0.05, $"max |Q − T| = {error:G3} (the realised noise is {realised.sub(transition).abs().max().item<double>():G3} from T)");
        Assert.True(result.SelectedAccuracy > 0.97, $"clean test accuracy {result.SelectedAccuracy}");
    }
}
