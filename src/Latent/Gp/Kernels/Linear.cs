namespace Latent.Gp.Kernels;

/// <summary>The linear kernel σ² x·x′.</summary>
public sealed class Linear : Kernel
{
    private readonly ConstrainedParameter variance;

    /// <summary>Creates the kernel with variance σ².</summary>
    public Linear(double variance = 1.0, long[]? activeDims = null) : base(nameof(Linear), activeDims)
    {
        this.variance = ConstrainedParameter.Positive([variance], "Linear variance");
        RegisterComponents();
    }

    /// <summary>The variance σ² (constrained value).</summary>
    public double Variance => variance.Values[0];

    /// <inheritdoc />
    protected override Tensor Covariance(Tensor X, Tensor? X2) => variance.Value * X.matmul((X2 ?? X).transpose(0, 1));

    /// <inheritdoc />
    protected override Tensor DiagonalCovariance(Tensor X) => variance.Value * X.square().sum(1);
}
