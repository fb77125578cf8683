using Latent.Distributions;
using Latent.Vae;
using TorchSharp;
using static TorchSharp.torch;

namespace Latent.Tests.Vae;

public sealed class ReparameterizationTests : TorchTest
{
    [Fact]
    public void ReparameterizedSamplesHaveTheEncoderMeanAndVariance()
    {
        double[] means = { -1.5, 0.0, 2.0 };
        double[] logVariances = { Math.Log(0.25), 0.0, Math.Log(4.0) };
        var q = new DiagonalGaussian(tensor(means).to(ScalarType.Float32), tensor(logVariances).to(ScalarType.Float32));
        using var generator = new Generator(7);
        const int n = 200_000;
        var samples = q.RSample(n, generator).to(ScalarType.Float64).data<double>().ToArray();
        for (int d = 0; d < 3; d++)
        {
            double sum = 0, sumSquares = 0;
            for (int i = 0; i < n; i++) sum += samples[i * 3 + d];
            double mean = sum / n;
            for (int i = 0; i < n; i++) sumSquares += Math.Pow(samples[i * 3 + d] - mean, 2);
            double variance = sumSquares / (n - 1);
            double expectedVariance = Math.Exp(logVariances[d]);
            Assert.InRange(mean, means[d] - 5 * Math.Sqrt(expectedVariance / n), means[d] + 5 * Math.Sqrt(expectedVariance / n));
            Assert.InRange(variance / expectedVariance, 0.98, 1.02);
        }
    }

    [Fact]
    public void ElboGradientReachesEveryEncoderParameter()
    {
        var model = TinyModels.Bernoulli(inputSize: 12, hidden: 8, latent: 3, seed: 1);
        var x = TinyModels.Intensities(16, 12, seed: 2);
        using var generator = new Generator(3);
        var loss = new ElboObjective().Loss(model, x, generator);
        loss.backward();
        foreach (var (name, parameter) in model.named_parameters().Where(p => p.name.StartsWith("encoder.", StringComparison.Ordinal)))
        {
            Assert.NotNull(parameter.grad);
            Assert.True(parameter.grad!.abs().sum().item<float>() > 0, $"encoder parameter {name} got a zero gradient");
        }
    }

    [Fact]
    public void ElboGradientMatchesFiniteDifferencesOnEncoderAndDecoder()
    {
        var model = TinyModels.Bernoulli(inputSize: 5, hidden: 4, latent: 2, seed: 11, dtype: ScalarType.Float64);
        var x = TinyModels.Intensities(6, 5, seed: 12).to(ScalarType.Float64);
        double Loss()
        {
            using var generator = new Generator(13);
            return new ElboObjective().Loss(model, x, generator).item<double>();
        }
        using (var generator = new Generator(13)) new ElboObjective().Loss(model, x, generator).backward();

        const double h = 1e-6;
        foreach (var (name, parameter) in model.named_parameters())
        {
            var analytic = parameter.grad!.clone();
            long count = Math.Min(parameter.numel(), 6);
            for (long i = 0; i < count; i++)
            {
                var flat = parameter.detach().view(-1);
                double original = flat[i].item<double>();
                using (no_grad()) flat[i].fill_(original + h);
                double up = Loss();
                using (no_grad()) flat[i].fill_(original - h);
                double down = Loss();
                using (no_grad()) flat[i].fill_(original);
                double numeric = (up - down) / (2 * h);
                double expected = analytic.view(-1)[i].item<double>();
                Assert.True(Math.Abs(numeric - expected) <= 1e-6 + 1e-5 * Math.Abs(expected),
                    $"{name}[{i}]: autograd {expected}, finite difference {numeric}");
            }
        }
    }
}
