namespace Latent.Gp.Likelihoods;

/// <summary>Binary observations y ∈ {0, 1} with p(y = 1 | f) = Φ(f) (probit) or σ(f) (logit); one latent GP.</summary>
public sealed class Bernoulli : ScalarLikelihood
{
    /// <summary>Creates the likelihood with the given inverse link; expectations use Gauss–Hermite quadrature with the given number of points.</summary>
    public Bernoulli(BernoulliLink link = BernoulliLink.Probit, int quadraturePoints = 20) : base(nameof(Bernoulli), quadraturePoints)
    {
        Link = link;
        RegisterComponents();
    }

    /// <summary>The inverse link.</summary>
    public BernoulliLink Link { get; }

    /// <summary>log p(y | f) = log Φ((2y − 1) f) or log σ((2y − 1) f).</summary>
    public override Tensor LogDensity(Tensor f, Tensor y)
    {
        var signed = (2.0 * y - 1.0) * f;
        return Link == BernoulliLink.Probit ? NormalCdf.LogCdf(signed) : nn.functional.logsigmoid(signed);
    }

    /// <summary>p(y = 1 | f).</summary>
    public override Tensor ConditionalMean(Tensor f) => Link == BernoulliLink.Probit ? NormalCdf.Cdf(f) : f.sigmoid();

    /// <summary>p(1 − p).</summary>
    public override Tensor ConditionalVariance(Tensor f)
    {
        var p = ConditionalMean(f);
        return p - p.square();
    }

    /// <summary>Probit: p = Φ(μ / √(1 + v)) and variance p(1 − p); logit: by quadrature.</summary>
    public override (Tensor Mean, Tensor Variance) PredictMeanAndVariance(Tensor fMean, Tensor fVariance)
    {
        ValidateLatent(fMean, fVariance, 0);
        if (Link == BernoulliLink.Logit) return base.PredictMeanAndVariance(fMean, fVariance);
        var p = NormalCdf.Cdf(fMean / (1.0 + fVariance).sqrt());
        return (p, p - p.square());
    }

    /// <summary>Probit: log Φ((2y − 1) μ / √(1 + v)); logit: by quadrature.</summary>
    public override Tensor PredictLogDensity(Tensor fMean, Tensor fVariance, Tensor y)
    {
        ValidateLatent(fMean, fVariance, 0);
        if (Link == BernoulliLink.Logit) return base.PredictLogDensity(fMean, fVariance, y);
        var targets = Targets(fMean, fVariance, y);
        return NormalCdf.LogCdf((2.0 * targets - 1.0) * fMean / (1.0 + fVariance).sqrt()).sum(1);
    }

    /// <summary>y must contain only 0 and 1.</summary>
    public override void CheckTargets(Tensor y)
    {
        using var bad = y.ne(0.0).logical_and(y.ne(1.0)).any();
        if (bad.item<bool>()) throw new LatentException("Bernoulli likelihood: y must contain only 0 and 1");
    }
}
