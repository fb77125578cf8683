namespace Latent.Gp.Likelihoods;

/// <summary>Poisson counts with the exp link (GPflow's Poisson): y ~ Poisson(exp f); the variational expectation is a closed form.</summary>
public sealed class Poisson : ScalarLikelihood
{
    /// <summary>Creates the likelihood.</summary>
    public Poisson() : base(nameof(Poisson)) => RegisterComponents();

    /// <summary>log p(y | f) = y f − exp f − log y!.</summary>
    public override Tensor LogDensity(Tensor f, Tensor y) => y * f - f.exp() - (y + 1.0).lgamma();

    /// <summary>E[y | f] = exp f.</summary>
    public override Tensor ConditionalMean(Tensor f) => f.exp();

    /// <summary>Var[y | f] = exp f.</summary>
    public override Tensor ConditionalVariance(Tensor f) => f.exp();

    /// <summary>Σₗ y μ − exp(μ + v/2) − log y!, since E[exp f] = exp(μ + v/2).</summary>
    public override Tensor VariationalExpectations(Tensor fMean, Tensor fVariance, Tensor y)
    {
        var targets = Targets(fMean, fVariance, y);
        return (targets * fMean - (fMean + 0.5 * fVariance).exp() - (targets + 1.0).lgamma()).sum(1);
    }

    /// <summary>Counts must be non-negative whole numbers.</summary>
    public override void CheckTargets(Tensor y)
    {
        base.CheckTargets(y);
        using var bad = (y < 0).logical_or(y.ne(y.floor())).any();
        if (bad.item<bool>()) throw new LatentException("Poisson likelihood: y must be counts (non-negative whole numbers)");
    }
}
