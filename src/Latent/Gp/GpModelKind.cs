namespace Latent.Gp;

/// <summary>The GP models a <see cref="GpRegressor"/> can fit.</summary>
public enum GpModelKind
{
    /// <summary>Exact GP regression: the log marginal likelihood, O(N³).</summary>
    Gpr,

    /// <summary>Sparse GP regression with Titsias's collapsed bound on M inducing points, O(N M²).</summary>
    Sgpr,

    /// <summary>The stochastic variational GP on minibatches, with any scalar likelihood.</summary>
    Svgp,
}
