namespace Latent.Gp.Kernels;

/// <summary>The rational-quadratic kernel σ² (1 + r²/2α)^(−α) (Rasmussen &amp; Williams 2006, eq. 4.19): a scale mixture of squared exponentials, with the shape α trainable.</summary>
public sealed class RationalQuadratic : Stationary
{
    private readonly ConstrainedParameter alpha;

    /// <summary>Creates the kernel; pass one lengthscale per input dimension for ARD.</summary>
    public RationalQuadratic(double variance = 1.0, double[]? lengthscales = null, double alpha = 1.0, long[]? activeDims = null)
        : base(nameof(RationalQuadratic), variance, lengthscales, activeDims)
    {
        this.alpha = ConstrainedParameter.Positive([alpha], "RationalQuadratic alpha");
        RegisterComponents();
    }

    /// <summary>The shape α (constrained value); α → ∞ gives the squared exponential.</summary>
    public double Alpha => alpha.Values[0];

    /// <inheritdoc />
    protected override Tensor FromSquaredDistance(Tensor variance, Tensor squaredDistance)
    {
        var a = alpha.Value;
        return variance * (1.0 + squaredDistance / (2.0 * a)).pow(-a);
    }
}
