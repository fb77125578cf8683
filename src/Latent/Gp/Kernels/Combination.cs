using TorchSharp.Modules;

namespace Latent.Gp.Kernels;

/// <summary>A kernel built from other kernels, each of which reads its own active dimensions.</summary>
public abstract class Combination : Kernel
{
    private readonly ModuleList<Kernel> parts;

    /// <summary>Creates the combination of at least two kernels.</summary>
    protected Combination(string name, IReadOnlyList<Kernel> kernels) : base(name, null)
    {
        if (kernels.Count < 2) throw new LatentException($"{name} needs at least two kernels, got {kernels.Count}");
        parts = new ModuleList<Kernel>(kernels.ToArray());
    }

    /// <summary>The combined kernels, in order.</summary>
    public IReadOnlyList<Kernel> Kernels => parts.ToList();

    /// <summary>Folds the parts' values into one (sum or product).</summary>
    protected abstract Tensor Combine(Tensor accumulated, Tensor next);

    /// <inheritdoc />
    protected override Tensor Covariance(Tensor X, Tensor? X2) => parts.Select(k => k.K(X, X2)).Aggregate(Combine);

    /// <inheritdoc />
    protected override Tensor DiagonalCovariance(Tensor X) => parts.Select(k => k.Kdiag(X)).Aggregate(Combine);
}
