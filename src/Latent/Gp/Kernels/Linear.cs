using static TorchSharp.torch;

namespace Latent.Gp.Kernels;

/// <summary>The linear kernel σ² x·x′.</summary>
public sealed class Linear : Kernel
{
    private readonly TorchSharp.Modules.Parameter rawVariance;

    /// <summary>Creates the kernel with variance σ².</summary>
    public Linear(double variance = 1.0, long[]? activeDims = null) : base(nameof(Linear), activeDims)
    {
        rawVariance = Positive.Create([variance], "Linear variance");
        RegisterComponents();
    }

    /// <summary>The variance σ² (constrained value).</summary>
    public double Variance => Positive.Read(rawVariance)[0];

    /// <inheritdoc />
    protected override Tensor Covariance(Tensor X, Tensor? X2) => Positive.Forward(rawVariance) * X.matmul((X2 ?? X).transpose(0, 1));

    /// <inheritdoc />
    protected override Tensor DiagonalCovariance(Tensor X) => Positive.Forward(rawVariance) * X.square().sum(1);
}
