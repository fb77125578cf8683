using Latent.Gp;
using static TorchSharp.torch;

namespace Latent.Tests.Gp;

public class GaussKlTests
{
    private const int M = 4;
    private const int L = 2;

    public GaussKlTests() => LatentRuntime.Initialize();

    /// <summary>KL(N(m, S) ‖ N(0, K)) for one latent GP from the textbook formula with explicit inverse and determinants.</summary>
    private static double ReferenceKl(double[] mean, double[,] s, double[,] k)
    {
        var inverse = Dense.Inverse(k);
        var trace = 0.0;
        var product = Dense.Multiply(inverse, s);
        for (var i = 0; i < M; i++) trace += product[i, i];
        var mahalanobis = 0.0;
        for (var i = 0; i < M; i++)
        for (var j = 0; j < M; j++) mahalanobis += mean[i] * inverse[i, j] * mean[j];
        return 0.5 * (trace + mahalanobis - M + Dense.LogDet(k) - Dense.LogDet(s));
    }

    private static double[,] Identity()
    {
        var eye = new double[M, M];
        for (var i = 0; i < M; i++) eye[i, i] = 1;
        return eye;
    }

    [Theory]
    [InlineData(true, false)]
    [InlineData(true, true)]
    [InlineData(false, false)]
    [InlineData(false, true)]
    public void MatchesTextbookFormula(bool whitened, bool diagonal)
    {
        var random = new Random(whitened ? 11 : 13);
        var mean = Dense.Random(M, L, random);
        var k = whitened ? Identity() : Dense.RandomSpd(M, random);
        var expected = 0.0;
        var sqrtValues = new double[L, M, M];
        var diagonalValues = new double[M, L];
        for (var l = 0; l < L; l++)
        {
            var factor = new double[M, M];
            for (var i = 0; i < M; i++)
            for (var j = 0; j <= i; j++)
            {
                factor[i, j] = i == j ? 0.5 + random.NextDouble() : diagonal ? 0 : random.NextDouble() - 0.5;
                sqrtValues[l, i, j] = factor[i, j];
                if (i == j) diagonalValues[i, l] = factor[i, j];
            }
            var column = Enumerable.Range(0, M).Select(i => mean[i, l]).ToArray();
            expected += ReferenceKl(column, Dense.Multiply(factor, Dense.Transpose(factor)), k);
        }
        using var qMean = Dense.ToTensor(mean);
        using var qSqrt = diagonal ? Dense.ToTensor(diagonalValues) : tensor(sqrtValues.Cast<double>().ToArray(), [L, M, M], dtype: float64);
        using var prior = whitened ? null : linalg.cholesky(Dense.ToTensor(k));
        Assert.Equal(expected, GaussKl.Divergence(qMean, qSqrt, prior).item<double>(), 1e-10);
    }

    [Fact]
    public void IsZeroWhenPosteriorEqualsPrior()
    {
        var k = Dense.RandomSpd(M, new Random(3));
        using var prior = linalg.cholesky(Dense.ToTensor(k));
        using var qMean = zeros(M, L, dtype: float64);
        using var qSqrt = prior.unsqueeze(0).expand(L, M, M).clone();
        Assert.Equal(0.0, GaussKl.Divergence(qMean, qSqrt, prior).item<double>(), 1e-12);
    }

    [Fact]
    public void RejectsMismatchedShapes()
    {
        using var qMean = zeros(M, L, dtype: float64);
        using var qSqrt = ones(M, L + 1, dtype: float64);
        Assert.Throws<LatentException>(() => GaussKl.Divergence(qMean, qSqrt, null));
    }
}
