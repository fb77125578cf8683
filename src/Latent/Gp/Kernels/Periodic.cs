namespace Latent.Gp.Kernels;

/// <summary>
/// The periodic kernel σ² exp(−½ Σ_d sin²(π (x_d − x′_d) / p) / ℓ_d²) (MacKay 1998; GPflow's Periodic over a squared exponential),
/// with variance σ², one or per-dimension (ARD) lengthscales ℓ and one period p, all trainable.
/// </summary>
public sealed class Periodic : Kernel
{
    private readonly ConstrainedParameter variance;
    private readonly ConstrainedParameter lengthscales;
    private readonly ConstrainedParameter period;

    /// <summary>Creates the kernel; a single lengthscale is shared by all dimensions, several give ARD.</summary>
    public Periodic(double variance = 1.0, double[]? lengthscales = null, double period = 1.0, long[]? activeDims = null) : base(nameof(Periodic), activeDims)
    {
        this.variance = ConstrainedParameter.Positive([variance], "Periodic variance");
        this.lengthscales = ConstrainedParameter.Positive(lengthscales is { Length: > 0 } ? lengthscales : [1.0], "Periodic lengthscale");
        this.period = ConstrainedParameter.Positive([period], "Periodic period");
        RegisterComponents();
    }

    /// <summary>The variance σ² (constrained value).</summary>
    public double Variance => variance.Values[0];

    /// <summary>The lengthscales ℓ (constrained values).</summary>
    public double[] Lengthscales => lengthscales.Values;

    /// <summary>The period p (constrained value).</summary>
    public double Period => period.Values[0];

    /// <inheritdoc />
    protected override Tensor Covariance(Tensor X, Tensor? X2)
    {
        var scales = lengthscales.Value;
        if (scales.shape[0] > 1 && scales.shape[0] != X.shape[1])
            throw new LatentException($"{GetName()}: {scales.shape[0]} ARD lengthscales but inputs have {X.shape[1]} active columns");
        var differences = X.unsqueeze(1) - (X2 ?? X).unsqueeze(0);
        var scaledSine = (Math.PI * differences / period.Value).sin() / scales;
        return variance.Value * (-0.5 * scaledSine.square().sum(-1)).exp();
    }

    /// <inheritdoc />
    protected override Tensor DiagonalCovariance(Tensor X) => variance.Value.expand(X.shape[0]);
}
