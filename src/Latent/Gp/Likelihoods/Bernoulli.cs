using static TorchSharp.torch;

namespace Latent.Gp.Likelihoods;

/// <summary>Binary observations y ∈ {0, 1} with the probit link p(y = 1 | f) = Φ(f); one latent GP.</summary>
public sealed class Bernoulli : Likelihood
{
    private readonly GaussHermite quadrature;

    /// <summary>Creates the likelihood; the ELBO term uses Gauss–Hermite quadrature with the given number of points.</summary>
    public Bernoulli(int quadraturePoints = 20) : base(nameof(Bernoulli))
    {
        quadrature = new GaussHermite(quadraturePoints);
        RegisterComponents();
    }

    /// <summary>Φ(f).</summary>
    public override Tensor forward(Tensor f) => NormalCdf.Cdf(f);

    /// <summary>E_q[log Φ((2y − 1) f)] by Gauss–Hermite quadrature.</summary>
    public override Tensor VariationalExpectations(Tensor fMean, Tensor fVariance, Tensor y)
    {
        var sign = Signs(fMean, fVariance, y);
        return quadrature.Expectation(f => NormalCdf.LogCdf(sign.unsqueeze(0) * f).squeeze(-1), fMean, fVariance);
    }

    /// <summary>p = Φ(μ / √(1 + v)) and variance p(1 − p).</summary>
    public override (Tensor Mean, Tensor Variance) PredictMeanAndVariance(Tensor fMean, Tensor fVariance)
    {
        ValidateLatent(fMean, fVariance, 1);
        var p = NormalCdf.Cdf(fMean / (1.0 + fVariance).sqrt());
        return (p, p - p.square());
    }

    /// <summary>log Φ((2y − 1) μ / √(1 + v)).</summary>
    public override Tensor PredictLogDensity(Tensor fMean, Tensor fVariance, Tensor y)
    {
        var sign = Signs(fMean, fVariance, y);
        return NormalCdf.LogCdf(sign * fMean / (1.0 + fVariance).sqrt()).squeeze(1);
    }

    private Tensor Signs(Tensor fMean, Tensor fVariance, Tensor y)
    {
        ValidateLatent(fMean, fVariance, 1);
        var column = y.dim() == 1 ? y.unsqueeze(1) : y;
        if (column.dim() != 2 || column.shape[0] != fMean.shape[0] || column.shape[1] != 1)
            throw new LatentException($"Bernoulli likelihood: y must be [{fMean.shape[0]}] or [{fMean.shape[0]}, 1], got [{string.Join(", ", y.shape)}]");
        var values = column.to(float64);
        if ((values.ne(0.0) & values.ne(1.0)).any().item<bool>()) throw new LatentException("Bernoulli likelihood: y must contain only 0 and 1");
        return 2.0 * values - 1.0;
    }
}
