namespace Latent.Gp.Kernels;

/// <summary>A covariance function k(x, x′) evaluated on the rows of input matrices [N, D] of its parameters' type (float64, or float32 after <c>to(float32)</c>).</summary>
public abstract class Kernel : nn.Module<Tensor, Tensor>
{
    private readonly long[]? activeDims;

    /// <summary>Creates a kernel that looks only at the given input columns (all columns when null).</summary>
    protected Kernel(string name, long[]? activeDims) : base(name)
    {
        if (activeDims is { Length: 0 }) throw new LatentException($"{name}: active dimensions must not be empty");
        if (activeDims is not null && activeDims.Any(d => d < 0)) throw new LatentException($"{name}: active dimensions must be non-negative");
        this.activeDims = activeDims?.ToArray();
    }

    /// <summary>The input columns this kernel reads, or null for all of them.</summary>
    public IReadOnlyList<long>? ActiveDims => activeDims;

    /// <summary>The covariance matrix [N, N2] between the rows of X and X2 (X2 = X when null).</summary>
    public Tensor K(Tensor X, Tensor? X2 = null)
    {
        Validate(X, "X");
        if (X2 is not null)
        {
            Validate(X2, "X2");
            if (X2.shape[1] != X.shape[1]) throw new LatentException($"{GetName()}: X has {X.shape[1]} columns but X2 has {X2.shape[1]}");
        }
        return Covariance(Slice(X), X2 is null ? null : Slice(X2));
    }

    /// <summary>The diagonal [N] of K(X, X), without forming the matrix.</summary>
    public Tensor Kdiag(Tensor X)
    {
        Validate(X, "X");
        return DiagonalCovariance(Slice(X));
    }

    /// <summary>The covariance matrix of X with itself.</summary>
    public override Tensor forward(Tensor X) => K(X);

    /// <summary>The sum kernel k₁ + k₂.</summary>
    public static Kernel operator +(Kernel left, Kernel right) => new Sum(left, right);

    /// <summary>The product kernel k₁ · k₂.</summary>
    public static Kernel operator *(Kernel left, Kernel right) => new Product(left, right);

    /// <summary>The covariance between already-sliced inputs; X2 = null means X with itself.</summary>
    protected abstract Tensor Covariance(Tensor X, Tensor? X2);

    /// <summary>The diagonal of the covariance of already-sliced inputs.</summary>
    protected abstract Tensor DiagonalCovariance(Tensor X);

    private Tensor Slice(Tensor X)
    {
        if (activeDims is null) return X;
        var width = X.shape[1];
        var outside = activeDims.FirstOrDefault(d => d >= width, -1);
        if (outside >= 0) throw new LatentException($"{GetName()}: active dimension {outside} is outside inputs with {width} columns");
        using var index = tensor(activeDims, dtype: int64, device: X.device);
        return X.index_select(1, index);
    }

    private void Validate(Tensor X, string what)
    {
        if (X.dim() != 2) throw new LatentException($"{GetName()}: {what} must be a matrix [N, D], got {X.dim()} dimensions");
        var dtype = parameters().Select(p => p.dtype).FirstOrDefault(float64);
        if (X.dtype != dtype) throw new LatentException($"{GetName()}: {what} must be {dtype} like the kernel's parameters, got {X.dtype}");
    }
}
