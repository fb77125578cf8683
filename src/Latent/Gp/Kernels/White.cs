using static TorchSharp.torch;

namespace Latent.Gp.Kernels;

/// <summary>The white-noise kernel: σ² I for K(X, X), zero between distinct input sets.</summary>
public sealed class White : Kernel
{
    private readonly TorchSharp.Modules.Parameter rawVariance;

    /// <summary>Creates the kernel with noise variance σ².</summary>
    public White(double variance = 1.0, long[]? activeDims = null) : base(nameof(White), activeDims)
    {
        rawVariance = Positive.Create([variance], "White variance");
        RegisterComponents();
    }

    /// <summary>The variance σ² (constrained value).</summary>
    public double Variance => Positive.Read(rawVariance)[0];

    /// <inheritdoc />
    protected override Tensor Covariance(Tensor X, Tensor? X2) => X2 is null
        ? Positive.Forward(rawVariance) * eye(X.shape[0], dtype: X.dtype, device: X.device)
        : zeros(X.shape[0], X2.shape[0], dtype: X.dtype, device: X.device);

    /// <inheritdoc />
    protected override Tensor DiagonalCovariance(Tensor X) => Positive.Forward(rawVariance).expand(X.shape[0]);
}
