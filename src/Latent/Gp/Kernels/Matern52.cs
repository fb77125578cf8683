namespace Latent.Gp.Kernels;

/// <summary>The Matérn-5/2 kernel σ² (1 + √5 r + 5r²/3) exp(−√5 r).</summary>
public sealed class Matern52 : Stationary
{
    /// <summary>Creates the kernel; pass one lengthscale per input dimension for ARD.</summary>
    public Matern52(double variance = 1.0, double[]? lengthscales = null, long[]? activeDims = null)
        : base(nameof(Matern52), variance, lengthscales, activeDims) => RegisterComponents();

    /// <inheritdoc />
    protected override Tensor FromSquaredDistance(Tensor variance, Tensor squaredDistance)
    {
        var sqrt5r = Math.Sqrt(5.0) * Distance(squaredDistance);
        return variance * (1.0 + sqrt5r + 5.0 / 3.0 * squaredDistance) * (-sqrt5r).exp();
    }
}
