namespace Latent.Gp.Likelihoods;

/// <summary>An inverse link from K latent values to class probabilities; its forward maps latent values [..., K] to probabilities [..., K].</summary>
public abstract class MulticlassLink : nn.Module<Tensor, Tensor>
{
    /// <summary>The multiclass links by name → factory (Monte Carlo samples, generator of the run): options, CLI and config.json read these names.</summary>
    public static Registry<Func<int, Generator, MulticlassLink>> Registry { get; } = new Registry<Func<int, Generator, MulticlassLink>>("likelihood")
        .Add("robustmax", "GPflow's RobustMax: the largest latent wins, ε = 1e-3 spread over the others", (_, _) => new RobustMax())
        .Add("softmax", "softmax link, expectations by Monte Carlo", (samples, generator) => new Softmax(samples, generator));

    /// <summary>Creates the link module.</summary>
    protected MulticlassLink(string name) : base(name) { }

    /// <summary>E_q(f)[log p(y | f)] per data point [N] for labels [N] and q(f) = N(fMean, fVariance), both [N, K].</summary>
    public abstract Tensor VariationalExpectations(Tensor fMean, Tensor fVariance, Tensor labels);

    /// <summary>The predictive class probabilities ∫ p(y = k | f) q(f) df, [N, K].</summary>
    public abstract Tensor PredictProbabilities(Tensor fMean, Tensor fVariance);

    /// <summary>log ∫ p(y | f) q(f) df for the given labels, [N].</summary>
    public abstract Tensor PredictLogDensity(Tensor fMean, Tensor fVariance, Tensor labels);
}
