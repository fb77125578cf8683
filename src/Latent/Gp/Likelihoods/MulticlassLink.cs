using static TorchSharp.torch;

namespace Latent.Gp.Likelihoods;

/// <summary>An inverse link from K latent values to class probabilities; its forward maps latent values [..., K] to probabilities [..., K].</summary>
public abstract class MulticlassLink : nn.Module<Tensor, Tensor>
{
    /// <summary>Creates the link module.</summary>
    protected MulticlassLink(string name) : base(name) { }

    /// <summary>E_q(f)[log p(y | f)] per data point [N] for labels [N] and q(f) = N(fMean, fVariance), both [N, K].</summary>
    public abstract Tensor VariationalExpectations(Tensor fMean, Tensor fVariance, Tensor labels);

    /// <summary>The predictive class probabilities ∫ p(y = k | f) q(f) df, [N, K].</summary>
    public abstract Tensor PredictProbabilities(Tensor fMean, Tensor fVariance);

    /// <summary>log ∫ p(y | f) q(f) df for the given labels, [N].</summary>
    public abstract Tensor PredictLogDensity(Tensor fMean, Tensor fVariance, Tensor labels);
}
