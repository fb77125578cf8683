namespace Latent.Gp.Kernels;

/// <summary>The constant kernel σ² for every pair of inputs.</summary>
public sealed class Constant : Kernel
{
    private readonly ConstrainedParameter variance;

    /// <summary>Creates the kernel with variance σ².</summary>
    public Constant(double variance = 1.0, long[]? activeDims = null) : base(nameof(Constant), activeDims)
    {
        this.variance = ConstrainedParameter.Positive([variance], "Constant variance");
        RegisterComponents();
    }

    /// <summary>The variance σ² (constrained value).</summary>
    public double Variance => variance.Values[0];

    /// <inheritdoc />
    protected override Tensor Covariance(Tensor X, Tensor? X2) =>
        variance.Value * ones(X.shape[0], (X2 ?? X).shape[0], dtype: X.dtype, device: X.device);

    /// <inheritdoc />
    protected override Tensor DiagonalCovariance(Tensor X) => variance.Value.expand(X.shape[0]);
}
