namespace Latent.Gp.Likelihoods;

/// <summary>An observation model p(y | f) for L latent function values f per data point; its forward maps latent values to E[y | f].</summary>
public abstract class Likelihood : nn.Module<Tensor, Tensor>
{
    /// <summary>Creates the likelihood module.</summary>
    protected Likelihood(string name) : base(name) { }

    /// <summary>E_q(f)[log p(y | f)] per data point [N] for independent q(f) = N(fMean, fVariance), both [N, L]: the data term of the ELBO.</summary>
    public abstract Tensor VariationalExpectations(Tensor fMean, Tensor fVariance, Tensor y);

    /// <summary>Mean and variance of y under ∫ p(y | f) q(f) df.</summary>
    public abstract (Tensor Mean, Tensor Variance) PredictMeanAndVariance(Tensor fMean, Tensor fVariance);

    /// <summary>log ∫ p(y | f) q(f) df per data point [N].</summary>
    public abstract Tensor PredictLogDensity(Tensor fMean, Tensor fVariance, Tensor y);

    /// <summary>Checks that latent mean and variance are [N, latents] matrices of the same shape.</summary>
    protected void ValidateLatent(Tensor fMean, Tensor fVariance, long latents)
    {
        if (fMean.dim() != 2 || !fMean.shape.SequenceEqual(fVariance.shape) || (latents > 0 && fMean.shape[1] != latents))
            throw new LatentException($"{GetName()}: latent mean and variance must both be [N, {(latents > 0 ? latents.ToString() : "L")}], got [{string.Join(", ", fMean.shape)}] and [{string.Join(", ", fVariance.shape)}]");
    }
}
