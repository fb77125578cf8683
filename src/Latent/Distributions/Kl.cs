namespace Latent.Distributions;

/// <summary>Analytic Kullback-Leibler divergences.</summary>
public static class Kl
{
    /// <summary>
    /// KL(q || p) between diagonal Gaussians, summed over q's event:
    /// 0.5 * sum(log sp^2 - log sq^2 + (sq^2 + (mq - mp)^2) / sp^2 - 1).
    /// With p = N(0, I) this is Kingma and Welling (2014), appendix B.
    /// </summary>
    public static Tensor Between(DiagonalGaussian q, DiagonalGaussian p)
    {
        var ratio = (q.LogVariance - p.LogVariance).exp();
        var meanTerm = (q.Mean - p.Mean).square() * (-p.LogVariance).exp();
        return EventSum.Over(0.5 * (ratio + meanTerm - 1.0 - (q.LogVariance - p.LogVariance)), q.EventDimensions);
    }

    /// <summary>KL(q || N(0, I)) summed over q's event.</summary>
    public static Tensor FromStandardNormal(DiagonalGaussian q) =>
        EventSum.Over(0.5 * (q.LogVariance.exp() + q.Mean.square() - 1.0 - q.LogVariance), q.EventDimensions);
}
