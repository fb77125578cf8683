using Latent.Gp.Likelihoods;
using static TorchSharp.torch;

namespace Latent.Tests.Gp;

public class LikelihoodTests
{
    public LikelihoodTests() => LatentRuntime.Initialize();

    [Fact]
    public void RobustMaxTurnsLatentSamplesIntoOneMinusEpsilonAndEpsilonOverKMinusOne()
    {
        var likelihood = new MultiClass(10, new RobustMax(1e-3));
        using var samples = randn(5, 3, 10, dtype: float64, generator: new Generator(1, CPU));
        using var probabilities = likelihood.ClassProbabilitiesFromLatent(samples);
        var values = probabilities.data<double>().ToArray();
        var latent = samples.data<double>().ToArray();
        for (var row = 0; row < 15; row++)
        {
            var winner = Enumerable.Range(0, 10).MaxBy(k => latent[row * 10 + k]);
            for (var k = 0; k < 10; k++) Assert.Equal(k == winner ? 0.999 : 0.001 / 9, values[row * 10 + k], 1e-15);
        }
    }

    [Fact]
    public void RobustMaxPredictYMatchesMonteCarloWithinError()
    {
        const int classes = 4;
        const int draws = 200_000;
        const double epsilon = 1e-3;
        var link = new RobustMax(epsilon);
        using var mean = tensor(new[] { 0.2, 0.1, -0.3, 0.0, 2.0, -1.0, 0.5, 1.8 }, [2, classes], dtype: float64);
        using var variance = tensor(new[] { 1.0, 0.5, 2.0, 0.3, 0.4, 1.0, 0.2, 0.6 }, [2, classes], dtype: float64);
        var predicted = new MultiClass(classes, link).PredictMeanAndVariance(mean, variance).Mean.data<double>().ToArray();

        var random = new Random(5);
        var means = mean.data<double>().ToArray();
        var variances = variance.data<double>().ToArray();
        for (var row = 0; row < 2; row++)
        {
            var wins = new int[classes];
            for (var s = 0; s < draws; s++)
            {
                var best = 0;
                var bestValue = double.NegativeInfinity;
                for (var k = 0; k < classes; k++)
                {
                    var u1 = 1.0 - random.NextDouble();
                    var gaussian = Math.Sqrt(-2 * Math.Log(u1)) * Math.Cos(2 * Math.PI * random.NextDouble());
                    var f = means[row * classes + k] + Math.Sqrt(variances[row * classes + k]) * gaussian;
                    if (f > bestValue) (best, bestValue) = (k, f);
                }
                wins[best]++;
            }
            for (var k = 0; k < classes; k++)
            {
                var frequency = wins[k] / (double)draws;
                var monteCarlo = frequency * (1 - epsilon) + (1 - frequency) * epsilon / (classes - 1);
                var standardError = Math.Sqrt(frequency * (1 - frequency) / draws);
                Assert.InRange(predicted[row * classes + k] - monteCarlo, -4 * standardError - 1e-6, 4 * standardError + 1e-6);
            }
            Assert.Equal(1.0, predicted.Skip(row * classes).Take(classes).Sum(), 2e-3);
        }
    }

    [Fact]
    public void RobustMaxVariationalExpectationIsLinearInProbabilityOfLargest()
    {
        var link = new RobustMax(0.01);
        using var mean = tensor(new[] { 3.0, -3.0, -3.0 }, [1, 3], dtype: float64);
        using var variance = full(1, 3, 1e-4, dtype: float64);
        using var labels = tensor(new long[] { 0 });
        Assert.Equal(Math.Log(0.99), link.VariationalExpectations(mean, variance, labels).item<double>(), 1e-9);
        using var wrong = tensor(new long[] { 1 });
        Assert.Equal(Math.Log(0.005), link.VariationalExpectations(mean, variance, wrong).item<double>(), 1e-9);
    }

    [Fact]
    public void GaussianExpectationAndDensityMatchNumericalIntegration()
    {
        var likelihood = new Gaussian(0.5);
        using var mean = tensor(new[] { 0.3, -1.0 }, [2, 1], dtype: float64);
        using var variance = tensor(new[] { 0.7, 0.2 }, [2, 1], dtype: float64);
        using var y = tensor(new[] { 1.1, -0.4 }, [2, 1], dtype: float64);
        var expectations = likelihood.VariationalExpectations(mean, variance, y).data<double>().ToArray();
        var densities = likelihood.PredictLogDensity(mean, variance, y).data<double>().ToArray();
        double[] m = [0.3, -1.0], v = [0.7, 0.2], obs = [1.1, -0.4];
        for (var i = 0; i < 2; i++)
        {
            var yi = obs[i];
            double LogNormal(double f) => -0.5 * Math.Log(2 * Math.PI * 0.5) - 0.5 * (yi - f) * (yi - f) / 0.5;
            Assert.Equal(Dense.GaussianExpectation(LogNormal, m[i], v[i]), expectations[i], 1e-8);
            Assert.Equal(Math.Log(Dense.GaussianExpectation(f => Math.Exp(LogNormal(f)), m[i], v[i])), densities[i], 1e-8);
        }
    }

    [Fact]
    public void BernoulliProbitMatchesNumericalIntegration()
    {
        var likelihood = new Bernoulli();
        using var mean = tensor(new[] { 0.4, -1.5, 2.0 }, [3, 1], dtype: float64);
        using var variance = tensor(new[] { 0.8, 2.0, 0.1 }, [3, 1], dtype: float64);
        using var y = tensor(new[] { 1.0, 0.0, 0.0 }, dtype: float64);
        var expectations = likelihood.VariationalExpectations(mean, variance, y).data<double>().ToArray();
        var probabilities = likelihood.PredictMeanAndVariance(mean, variance).Mean.data<double>().ToArray();
        var densities = likelihood.PredictLogDensity(mean, variance, y).data<double>().ToArray();
        double[] m = [0.4, -1.5, 2.0], v = [0.8, 2.0, 0.1], obs = [1, 0, 0];
        for (var i = 0; i < 3; i++)
        {
            var sign = 2 * obs[i] - 1;
            var p1 = Dense.GaussianExpectation(Dense.NormalCdf, m[i], v[i]);
            Assert.Equal(p1, probabilities[i], 1e-7);
            Assert.Equal(Math.Log(obs[i] == 1 ? p1 : 1 - p1), densities[i], 1e-6);
            Assert.Equal(Dense.GaussianExpectation(f => Math.Log(Dense.NormalCdf(sign * f)), m[i], v[i]), expectations[i], 1e-4);
        }
    }

    [Fact]
    public void BernoulliLogDensityStaysFiniteAndContinuousFarInTheTail()
    {
        var likelihood = new Bernoulli();
        using var mean = tensor(new[] { -19.999, -20.001, -40.0 }, [3, 1], dtype: float64, requires_grad: true);
        using var variance = full(3, 1, 1e-12, dtype: float64);
        using var y = ones(3, dtype: float64);
        var values = likelihood.PredictLogDensity(mean, variance, y);
        values.sum().backward();
        var v = values.data<double>().ToArray();
        Assert.Equal(v[0], v[1], 0.05);
        // Mills-ratio bound: log Φ(−40) lies between the first two terms of its asymptotic series.
        var upper = -800 - Math.Log(40) - 0.5 * Math.Log(2 * Math.PI);
        Assert.InRange(v[2], upper + Math.Log(1 - 1.0 / 1600), upper);
        Assert.False(mean.grad!.isnan().any().item<bool>());
    }

    [Fact]
    public void SoftmaxWithZeroVarianceIsSoftmaxOfMean()
    {
        var link = new Softmax(8, new Generator(3, CPU));
        using var mean = tensor(new[] { 1.0, 2.0, 0.5 }, [1, 3], dtype: float64);
        using var variance = zeros(1, 3, dtype: float64);
        var p = link.PredictProbabilities(mean, variance).data<double>().ToArray();
        var z = Math.Exp(1.0) + Math.Exp(2.0) + Math.Exp(0.5);
        Assert.Equal(Math.Exp(2.0) / z, p[1], 1e-12);
        using var labels = tensor(new long[] { 2 });
        Assert.Equal(0.5 - Math.Log(z), link.VariationalExpectations(mean, variance, labels).item<double>(), 1e-12);
        Assert.Equal(0.5 - Math.Log(z), link.PredictLogDensity(mean, variance, labels).item<double>(), 1e-12);
    }

    [Fact]
    public void BadLabelsThrowLatentException()
    {
        var likelihood = new MultiClass(3, new RobustMax());
        using var mean = zeros(2, 3, dtype: float64);
        using var variance = ones(2, 3, dtype: float64);
        using var outOfRange = tensor(new long[] { 0, 3 });
        Assert.Throws<LatentException>(() => likelihood.VariationalExpectations(mean, variance, outOfRange));
        using var floats = tensor(new[] { 0.0, 1.0 }, dtype: float64);
        Assert.Throws<LatentException>(() => likelihood.PredictLogDensity(mean, variance, floats));
        using var notBinary = tensor(new[] { 0.0, 0.5 }, dtype: float64);
        using var oneLatent = zeros(2, 1, dtype: float64);
        Assert.Throws<LatentException>(() => new Bernoulli().VariationalExpectations(oneLatent, oneLatent + 1, notBinary));
    }
}
