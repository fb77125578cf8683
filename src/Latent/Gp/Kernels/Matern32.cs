namespace Latent.Gp.Kernels;

/// <summary>The Matérn-3/2 kernel σ² (1 + √3 r) exp(−√3 r).</summary>
public sealed class Matern32 : ProfileStationary
{
    /// <summary>Creates the kernel; pass one lengthscale per input dimension for ARD.</summary>
    public Matern32(double variance = 1.0, double[]? lengthscales = null, long[]? activeDims = null)
        : base(nameof(Matern32), variance, lengthscales, activeDims) => RegisterComponents();

    /// <inheritdoc />
    protected override Tensor Profile(Tensor squaredDistance)
    {
        var s = Distance(squaredDistance).mul_(Math.Sqrt(3.0));
        return s.neg().exp_().mul_(s.add_(1.0));
    }

    /// <summary>df/d(r²) = −(3/2) exp(−√3 r).</summary>
    protected override Tensor Slope(Tensor squaredDistance) => Distance(squaredDistance).mul_(-Math.Sqrt(3.0)).exp_().mul_(-1.5);
}
