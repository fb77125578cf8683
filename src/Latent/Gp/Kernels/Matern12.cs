namespace Latent.Gp.Kernels;

/// <summary>The Matérn-1/2 (exponential) kernel σ² exp(−r).</summary>
public sealed class Matern12 : ProfileStationary
{
    /// <summary>Creates the kernel; pass one lengthscale per input dimension for ARD.</summary>
    public Matern12(double variance = 1.0, double[]? lengthscales = null, long[]? activeDims = null)
        : base(nameof(Matern12), variance, lengthscales, activeDims) => RegisterComponents();

    /// <inheritdoc />
    protected override Tensor Profile(Tensor squaredDistance) => Distance(squaredDistance).neg_().exp_();

    /// <summary>df/d(r²) = −exp(−r) / (2r), zero at r = 0 where it is unbounded (as the clamped square root's gradient is).</summary>
    protected override Tensor Slope(Tensor squaredDistance)
    {
        var r = Distance(squaredDistance);
        return r.neg().exp_().div_(r.mul_(-2.0)).masked_fill_(squaredDistance.lt(MinimumSquaredDistance), 0.0);
    }
}
