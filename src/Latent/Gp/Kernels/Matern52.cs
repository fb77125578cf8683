namespace Latent.Gp.Kernels;

/// <summary>The Matérn-5/2 kernel σ² (1 + √5 r + 5r²/3) exp(−√5 r).</summary>
public sealed class Matern52 : ProfileStationary
{
    /// <summary>Creates the kernel; pass one lengthscale per input dimension for ARD.</summary>
    public Matern52(double variance = 1.0, double[]? lengthscales = null, long[]? activeDims = null)
        : base(nameof(Matern52), variance, lengthscales, activeDims) => RegisterComponents();

    /// <inheritdoc />
    protected override Tensor Profile(Tensor squaredDistance)
    {
        var s = Distance(squaredDistance).mul_(Math.Sqrt(5.0));
        var decay = s.neg().exp_();
        return s.square().div_(3.0).add_(s).add_(1.0).mul_(decay);
    }

    /// <summary>df/d(r²) = −(5/6)(1 + √5 r) exp(−√5 r).</summary>
    protected override Tensor Slope(Tensor squaredDistance)
    {
        var s = Distance(squaredDistance).mul_(Math.Sqrt(5.0));
        return s.neg().exp_().mul_(s.add_(1.0)).mul_(-5.0 / 6.0);
    }
}
