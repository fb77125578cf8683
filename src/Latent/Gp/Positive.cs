namespace Latent.Gp;

/// <summary>
/// The transform that keeps GP hyperparameters positive: value = exp(raw), as scikit-learn's GaussianProcessRegressor optimises
/// log θ. With it, the ridge along which exact and sparse GP likelihoods on smooth data grow (variance rising as a power of the
/// lengthscales) is a straight line for L-BFGS; under softplus, which is the identity above about 20, it curves over decades.
/// </summary>
internal static class Positive
{
    /// <summary>Maps an unconstrained tensor to its positive value.</summary>
    public static Tensor Forward(Tensor raw) => raw.exp();

    /// <summary>The elementwise inverse, log v, for a tensor of positive values.</summary>
    public static Tensor InverseOf(Tensor value) => value.log();

    /// <summary>The inverse, log v, of a positive value.</summary>
    public static double Inverse(double value) => Math.Log(value);

    /// <summary>The value a raw tensor stood for under softplus, log(1 + exp(raw)), the transform of format versions before <see cref="ConstrainedParameter.FirstExpStorageVersion"/>.</summary>
    public static Tensor FromSoftplus(Tensor raw) => nn.functional.softplus(raw, 1.0, 20.0);
}
