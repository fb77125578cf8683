using Latent.Gp.Likelihoods;

namespace Latent.Gp.Models;

/// <summary>
/// What every GP model offers (GPflow's GPModel): the latent predictive q(f*) from <see cref="PredictF"/>, and from it through the
/// likelihood the predictive mean and variance of y and the log predictive density. Its forward returns the latent marginals.
/// </summary>
public abstract class GpModel : nn.Module<Tensor, (Tensor Mean, Tensor Variance)>
{
    /// <summary>Creates the model module.</summary>
    protected GpModel(string name) : base(name) { }

    /// <summary>The observation model p(y | f).</summary>
    public abstract Likelihood Likelihood { get; }

    /// <summary>The latent predictive mean [N*, L] and variance: [N*, L], or covariance [L, N*, N*] when fullCov.</summary>
    public abstract (Tensor Mean, Tensor Variance) PredictF(Tensor X, bool fullCov = false);

    /// <summary>The latent predictive marginals at new inputs.</summary>
    public override (Tensor Mean, Tensor Variance) forward(Tensor X) => PredictF(X);

    /// <summary>The predictive mean and variance of y (for MultiClass: class probabilities [N, K] and p(1 − p)).</summary>
    public (Tensor Mean, Tensor Variance) PredictY(Tensor X)
    {
        using var noGrad = no_grad();
        var (mean, variance) = PredictF(X);
        return Likelihood.PredictMeanAndVariance(mean, variance);
    }

    /// <summary>log p(y* | x*, data) per test point [N*].</summary>
    public Tensor PredictLogDensity(Tensor X, Tensor y)
    {
        using var noGrad = no_grad();
        var (mean, variance) = PredictF(X);
        return Likelihood.PredictLogDensity(mean, variance, y);
    }
}
