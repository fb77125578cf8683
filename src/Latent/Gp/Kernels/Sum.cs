namespace Latent.Gp.Kernels;

/// <summary>The sum of kernels k₁ + k₂ + …</summary>
public sealed class Sum : Combination
{
    /// <summary>Creates the sum of the given kernels.</summary>
    public Sum(params Kernel[] kernels) : base(nameof(Sum), kernels) => RegisterComponents();

    /// <inheritdoc />
    protected override Tensor Combine(Tensor accumulated, Tensor next) => accumulated + next;
}
