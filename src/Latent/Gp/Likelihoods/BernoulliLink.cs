namespace Latent.Gp.Likelihoods;

/// <summary>The inverse link of a <see cref="Bernoulli"/> likelihood: p(y = 1 | f) as a function of f.</summary>
public enum BernoulliLink
{
    /// <summary>Φ(f), the standard normal CDF (GPflow's default); predictions are closed forms.</summary>
    Probit,

    /// <summary>σ(f) = 1 / (1 + exp(−f)), the logistic function; predictions by quadrature.</summary>
    Logit,
}
