using Latent.Gp.Likelihoods;
using static TorchSharp.torch;

namespace Latent.Tests.Gp;

/// <summary>
/// One contract over every registered scalar likelihood: its variational expectation, predictive log-density and predictive
/// moments agree with dense Simpson integration of log-densities and moments written here independently in plain doubles.
/// </summary>
public class ScalarLikelihoodContractTests
{
    public ScalarLikelihoodContractTests() => LatentRuntime.Initialize();

    /// <summary>Per registered name: the log-density log p(y | f), E[y | f], Var[y | f] at default parameters, and targets it can observe.</summary>
    private static readonly Dictionary<string, (Func<double, double, double> LogDensity, Func<double, double> Mean, Func<double, double> Variance, double[] Y)> Reference = new()
    {
        ["gaussian"] = ((y, f) => -0.5 * Math.Log(2 * Math.PI) - 0.5 * (y - f) * (y - f), f => f, _ => 1.0, [0.7, -2.1, 1.4, 0.0, 3.2, -0.5]),
        // ν = 3, σ = 1: log Γ(2) = 0 and log Γ(3/2) = log(√π / 2).
        ["student-t"] = ((y, f) => -Math.Log(Math.Sqrt(Math.PI) / 2) - 0.5 * Math.Log(3 * Math.PI) - 2 * Math.Log(1 + (y - f) * (y - f) / 3), f => f, _ => 3.0,
            [0.7, -2.1, 6.0, 0.0, 3.2, -0.5]),
        ["poisson"] = ((y, f) => y * f - Math.Exp(f) - LogFactorial((int)y), Math.Exp, Math.Exp, [0, 3, 1, 7, 2, 0]),
        ["bernoulli"] = ((y, f) => Math.Log(Dense.NormalCdf((2 * y - 1) * f)), Dense.NormalCdf, f => Dense.NormalCdf(f) * (1 - Dense.NormalCdf(f)), [1, 0, 0, 1, 1, 1]),
        ["bernoulli-logit"] = ((y, f) => -Math.Log(1 + Math.Exp(-(2 * y - 1) * f)), Logistic, f => Logistic(f) * (1 - Logistic(f)), [1, 0, 0, 1, 1, 0]),
    };

    private static double Logistic(double f) => 1 / (1 + Math.Exp(-f));

    private static double LogFactorial(int n) => Enumerable.Range(1, n).Sum(k => Math.Log(k));

    public static TheoryData<string> Names() => new(ScalarLikelihood.Registry.Names);

    [Fact]
    public void EveryRegisteredLikelihoodHasAReference() => Assert.Equal(ScalarLikelihood.Registry.Names.Order(), Reference.Keys.Order());

    [Theory]
    [MemberData(nameof(Names))]
    public void ExpectationsDensitiesAndMomentsMatchDenseIntegration(string name)
    {
        var (logDensity, conditionalMean, conditionalVariance, y) = Reference[name];
        double[] m = [0.3, -1.2, 1.5, 0.1, -0.4, 0.8], v = [0.4, 1.1, 0.05, 0.7, 0.2, 1.5];
        using var likelihood = ScalarLikelihood.Registry[name](1.0);
        // Three points with two outputs each: results are summed over the outputs.
        using var mean = tensor(m, [3, 2], dtype: float64);
        using var variance = tensor(v, [3, 2], dtype: float64);
        using var targets = tensor(y, [3, 2], dtype: float64);
        var expectations = likelihood.VariationalExpectations(mean, variance, targets).data<double>().ToArray();
        var densities = likelihood.PredictLogDensity(mean, variance, targets).data<double>().ToArray();
        var (predictedMean, predictedVariance) = likelihood.PredictMeanAndVariance(mean, variance);
        var means = predictedMean.data<double>().ToArray();
        var variances = predictedVariance.data<double>().ToArray();
        for (var i = 0; i < 3; i++)
        {
            double expectation = 0, density = 0;
            for (var l = 0; l < 2; l++)
            {
                var k = 2 * i + l;
                expectation += Dense.GaussianExpectation(f => logDensity(y[k], f), m[k], v[k]);
                density += Math.Log(Dense.GaussianExpectation(f => Math.Exp(logDensity(y[k], f)), m[k], v[k]));
                var firstMoment = Dense.GaussianExpectation(conditionalMean, m[k], v[k]);
                var secondMoment = Dense.GaussianExpectation(f => conditionalVariance(f) + conditionalMean(f) * conditionalMean(f), m[k], v[k]);
                Assert.Equal(firstMoment, means[k], 1e-6);
                Assert.Equal(secondMoment - firstMoment * firstMoment, variances[k], 1e-6);
            }
            // 20-point Gauss–Hermite (GPflow's default): within 2e-4 relative even for sharp densities (Poisson y = 7, Student-t outliers).
            Assert.Equal(expectation, expectations[i], 2e-4 * Math.Max(1, Math.Abs(expectation)));
            Assert.Equal(density, densities[i], 2e-4 * Math.Max(1, Math.Abs(density)));
        }
    }

    [Fact]
    public void TargetsALikelihoodCannotObserveAreOneLineErrors()
    {
        using var mean = zeros(2, 1, dtype: float64);
        using var variance = ones(2, 1, dtype: float64);
        using var fractional = tensor(new[] { 1.0, 2.5 }, [2, 1], dtype: float64);
        using var negative = tensor(new[] { 1.0, -1.0 }, [2, 1], dtype: float64);
        Assert.Contains("counts", Assert.Throws<LatentException>(() => new Poisson().VariationalExpectations(mean, variance, fractional)).Message);
        Assert.Contains("counts", Assert.Throws<LatentException>(() => new Poisson().PredictLogDensity(mean, variance, negative)).Message);
        Assert.Contains("only 0 and 1", Assert.Throws<LatentException>(() => new Bernoulli(BernoulliLink.Logit).VariationalExpectations(mean, variance, fractional)).Message);
        using var nan = tensor(new[] { 1.0, double.NaN }, [2, 1], dtype: float64);
        Assert.Contains("NaN", Assert.Throws<LatentException>(() => new StudentT().VariationalExpectations(mean, variance, nan)).Message);
    }
}
