namespace Latent.Gp.Kernels;

/// <summary>The Matérn-3/2 kernel σ² (1 + √3 r) exp(−√3 r).</summary>
public sealed class Matern32 : Stationary
{
    /// <summary>Creates the kernel; pass one lengthscale per input dimension for ARD.</summary>
    public Matern32(double variance = 1.0, double[]? lengthscales = null, long[]? activeDims = null)
        : base(nameof(Matern32), variance, lengthscales, activeDims) => RegisterComponents();

    /// <inheritdoc />
    protected override Tensor FromSquaredDistance(Tensor variance, Tensor squaredDistance)
    {
        var sqrt3r = Math.Sqrt(3.0) * Distance(squaredDistance);
        return variance * (1.0 + sqrt3r) * (-sqrt3r).exp();
    }
}
