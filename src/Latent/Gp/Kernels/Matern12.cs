namespace Latent.Gp.Kernels;

/// <summary>The Matérn-1/2 (exponential) kernel σ² exp(−r).</summary>
public sealed class Matern12 : Stationary
{
    /// <summary>Creates the kernel; pass one lengthscale per input dimension for ARD.</summary>
    public Matern12(double variance = 1.0, double[]? lengthscales = null, long[]? activeDims = null)
        : base(nameof(Matern12), variance, lengthscales, activeDims) => RegisterComponents();

    /// <inheritdoc />
    protected override Tensor FromSquaredDistance(Tensor variance, Tensor squaredDistance) => variance * (-Distance(squaredDistance)).exp();
}
