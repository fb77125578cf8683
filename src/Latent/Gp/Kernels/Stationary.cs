namespace Latent.Gp.Kernels;

/// <summary>A kernel that depends on r = ‖(x − x′) / ℓ‖ only, with a variance σ² and one (scalar) or per-dimension (ARD) lengthscales ℓ.</summary>
public abstract class Stationary : Kernel
{
    private readonly ConstrainedParameter variance;
    private readonly ConstrainedParameter lengthscales;

    /// <summary>Creates the kernel; a single lengthscale is shared by all dimensions, several give ARD.</summary>
    protected Stationary(string name, double variance, double[]? lengthscales, long[]? activeDims) : base(name, activeDims)
    {
        this.variance = ConstrainedParameter.Positive([variance], $"{name} variance");
        this.lengthscales = ConstrainedParameter.Positive(lengthscales is { Length: > 0 } ? lengthscales : [1.0], $"{name} lengthscale");
    }

    /// <summary>The variance σ² (constrained value).</summary>
    public double Variance => variance.Values[0];

    /// <summary>The lengthscales ℓ (constrained values): one entry when shared, one per dimension with ARD.</summary>
    public double[] Lengthscales => lengthscales.Values;

    /// <summary>Whether each dimension has its own lengthscale.</summary>
    public bool IsArd => lengthscales.Shape[0] > 1;

    /// <summary>The covariance as a function of the squared scaled distance r² (σ² included).</summary>
    protected abstract Tensor FromSquaredDistance(Tensor variance, Tensor squaredDistance);

    /// <summary>
    /// Expands r² = ‖x/ℓ‖² + ‖x′/ℓ‖² − 2 (x ∘ ℓ⁻²)·x′ with the ARD weights ℓ⁻² folded into one side of the single matrix product
    /// (so backward needs no product for an X2 that needs no gradient, such as a minibatch); for K(X, X) the diagonal is set to
    /// exactly zero so rounding cannot leak into r.
    /// </summary>
    protected override Tensor Covariance(Tensor X, Tensor? X2)
    {
        var scales = lengthscales.Value;
        if (IsArd && scales.shape[0] != X.shape[1])
            throw new LatentException($"{GetName()}: {scales.shape[0]} ARD lengthscales but inputs have {X.shape[1]} active columns");
        var weights = scales.square().reciprocal();
        var weighted = X * weights;
        var norms = (X * weighted).sum(1, keepdim: true);
        var other = X2 ?? X;
        var norms2 = X2 is null ? norms.transpose(0, 1) : X2.square().matmul(weights.expand(X2.shape[1])).unsqueeze(0);
        var squaredDistance = addmm(norms2, weighted, other.transpose(0, 1), beta: 1, alpha: -2).add_(norms).clamp_min(0.0);
        if (X2 is null) squaredDistance = squaredDistance * (1.0 - eye(X.shape[0], dtype: X.dtype, device: X.device));
        return FromSquaredDistance(variance.Value, squaredDistance);
    }

    /// <inheritdoc />
    protected override Tensor DiagonalCovariance(Tensor X) => variance.Value.expand(X.shape[0]);

    /// <summary>The smallest r² the distance is taken of (<see cref="Distance"/>).</summary>
    protected const double MinimumSquaredDistance = 1e-36;

    /// <summary>r = √r², with the square root's gradient kept finite at r = 0.</summary>
    protected static Tensor Distance(Tensor squaredDistance) => squaredDistance.clamp_min(MinimumSquaredDistance).sqrt_();
}
