namespace Latent.Gp.Kernels;

/// <summary>The squared-exponential (RBF) kernel σ² exp(−r²/2).</summary>
public sealed class SquaredExponential : Stationary
{
    /// <summary>Creates the kernel; pass one lengthscale per input dimension for ARD.</summary>
    public SquaredExponential(double variance = 1.0, double[]? lengthscales = null, long[]? activeDims = null)
        : base(nameof(SquaredExponential), variance, lengthscales, activeDims) => RegisterComponents();

    /// <inheritdoc />
    protected override Tensor FromSquaredDistance(Tensor variance, Tensor squaredDistance) => variance * (-0.5 * squaredDistance).exp();
}
