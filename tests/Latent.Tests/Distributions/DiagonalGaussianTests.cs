using Latent.Distributions;
using static TorchSharp.torch;

namespace Latent.Tests.Distributions;

public class DiagonalGaussianTests : TorchTest
{
    private static double NormalLogDensity(double x, double mean, double variance) =>
        -0.5 * Math.Log(2 * Math.PI * variance) - (x - mean) * (x - mean) / (2 * variance);

    [Fact]
    public void LogProbMatchesIndependentDoubleComputation()
    {
        double[] mean = { 0.3, -1.2, 2.0 }, logVar = { -0.5, 0.7, 0.0 }, x = { 1.0, -0.4, 2.5 };
        var q = new DiagonalGaussian(tensor(mean), tensor(logVar));
        double expected = 0;
        for (int i = 0; i < 3; i++) expected += NormalLogDensity(x[i], mean[i], Math.Exp(logVar[i]));
        Assert.Equal(expected, q.LogProb(tensor(x)).item<double>(), 12);
    }

    [Fact]
    public void ProductOf784DensitiesUnderflowsInFloat32ButLogProbIsFinite()
    {
        using var generator = new Generator(7);
        var mean = rand(new long[] { 784 }, generator: generator).requires_grad_();
        var logVar = full(784, Math.Log(0.01 * 0.01), ScalarType.Float32);
        var x = rand(new long[] { 784 }, generator: generator);
        var q = new DiagonalGaussian(mean, logVar);

        var product = q.LogProbPerDimension(x).exp().prod();
        Assert.Equal(0f, product.item<float>());
        var naive = (product + 1e-20f).log();
        Assert.Equal(MathF.Log(1e-20f), naive.item<float>(), 4);
        naive.backward();
        Assert.All(mean.grad!.data<float>().ToArray(), g => Assert.Equal(0f, g));

        var logProb = q.LogProb(x).item<float>();
        Assert.True(float.IsFinite(logProb));
        double expected = 0;
        var m = mean.data<float>().ToArray();
        var xs = x.data<float>().ToArray();
        for (int i = 0; i < 784; i++) expected += NormalLogDensity(xs[i], m[i], 1e-4);
        Assert.Equal(expected, logProb, Math.Abs(expected) * 1e-5);
    }

    [Fact]
    public void ReparameterizedSamplesHaveTheRightMomentsAndCarryGradients()
    {
        var mean = tensor(new[] { 1.5f, -2.0f }, requires_grad: true);
        var logVar = tensor(new[] { (float)Math.Log(0.25), (float)Math.Log(4.0) }, requires_grad: true);
        var q = new DiagonalGaussian(mean, logVar);
        using var generator = new Generator(3);
        var z = q.RSample(200_000, generator);
        var sampleMean = z.mean(new long[] { 0 }).data<float>().ToArray();
        var sampleVar = z.var(0).data<float>().ToArray();
        Assert.Equal(1.5, sampleMean[0], 2);
        Assert.Equal(-2.0, sampleMean[1], 1);
        Assert.Equal(0.25, sampleVar[0], 2);
        Assert.Equal(4.0, sampleVar[1], 1);

        z.mean().backward();
        Assert.Equal(0.5, mean.grad!.data<float>()[0], 5);
        Assert.NotEqual(0f, logVar.grad!.data<float>()[1]);
    }

    [Fact]
    public void EntropyMatchesClosedForm()
    {
        double[] logVar = { -1.0, 0.5, 2.0 };
        var q = new DiagonalGaussian(zeros(3, ScalarType.Float64), tensor(logVar));
        double expected = logVar.Sum(lv => 0.5 * Math.Log(2 * Math.PI * Math.E * Math.Exp(lv)));
        Assert.Equal(expected, q.Entropy().item<double>(), 12);
    }

    [Fact]
    public void MismatchedShapesAreRejected()
    {
        var e = Assert.Throws<LatentException>(() => new DiagonalGaussian(zeros(3), zeros(4)));
        Assert.Contains("differs", e.Message);
    }
}
