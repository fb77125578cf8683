namespace Latent.Gp.Kernels;

/// <summary>The white-noise kernel: σ² I for K(X, X), zero between distinct input sets.</summary>
public sealed class White : Kernel
{
    private readonly ConstrainedParameter variance;

    /// <summary>Creates the kernel with noise variance σ².</summary>
    public White(double variance = 1.0, long[]? activeDims = null) : base(nameof(White), activeDims)
    {
        this.variance = ConstrainedParameter.Positive([variance], "White variance");
        RegisterComponents();
    }

    /// <summary>The variance σ² (constrained value).</summary>
    public double Variance => variance.Values[0];

    /// <inheritdoc />
    protected override Tensor Covariance(Tensor X, Tensor? X2) => X2 is null
        ? variance.Value * eye(X.shape[0], dtype: X.dtype, device: X.device)
        : zeros(X.shape[0], X2.shape[0], dtype: X.dtype, device: X.device);

    /// <inheritdoc />
    protected override Tensor DiagonalCovariance(Tensor X) => variance.Value.expand(X.shape[0]);
}
