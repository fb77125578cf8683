namespace Latent.Gp.Kernels;

/// <summary>The squared-exponential (RBF) kernel σ² exp(−r²/2).</summary>
public sealed class SquaredExponential : ProfileStationary
{
    /// <summary>Creates the kernel; pass one lengthscale per input dimension for ARD.</summary>
    public SquaredExponential(double variance = 1.0, double[]? lengthscales = null, long[]? activeDims = null)
        : base(nameof(SquaredExponential), variance, lengthscales, activeDims) => RegisterComponents();

    /// <inheritdoc />
    protected override Tensor Profile(Tensor squaredDistance) => squaredDistance.mul(-0.5).exp_();

    /// <summary>df/d(r²) = −exp(−r²/2) / 2.</summary>
    protected override Tensor Slope(Tensor squaredDistance) => squaredDistance.mul(-0.5).exp_().mul_(-0.5);
}
