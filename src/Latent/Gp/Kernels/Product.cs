namespace Latent.Gp.Kernels;

/// <summary>The elementwise product of kernels k₁ · k₂ · …</summary>
public sealed class Product : Combination
{
    /// <summary>Creates the product of the given kernels.</summary>
    public Product(params Kernel[] kernels) : base(nameof(Product), kernels) => RegisterComponents();

    /// <inheritdoc />
    protected override Tensor Combine(Tensor accumulated, Tensor next) => accumulated * next;
}
