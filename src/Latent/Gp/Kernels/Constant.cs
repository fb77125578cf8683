using static TorchSharp.torch;

namespace Latent.Gp.Kernels;

/// <summary>The constant kernel σ² for every pair of inputs.</summary>
public sealed class Constant : Kernel
{
    private readonly TorchSharp.Modules.Parameter rawVariance;

    /// <summary>Creates the kernel with variance σ².</summary>
    public Constant(double variance = 1.0, long[]? activeDims = null) : base(nameof(Constant), activeDims)
    {
        rawVariance = Positive.Create([variance], "Constant variance");
        RegisterComponents();
    }

    /// <summary>The variance σ² (constrained value).</summary>
    public double Variance => Positive.Read(rawVariance)[0];

    /// <inheritdoc />
    protected override Tensor Covariance(Tensor X, Tensor? X2) =>
        Positive.Forward(rawVariance) * ones(X.shape[0], (X2 ?? X).shape[0], dtype: X.dtype, device: X.device);

    /// <inheritdoc />
    protected override Tensor DiagonalCovariance(Tensor X) => Positive.Forward(rawVariance).expand(X.shape[0]);
}
