using static TorchSharp.torch;

namespace Latent.Nn;

/// <summary>Euclidean projection onto the probability simplex {w : w ≥ 0, Σ w = 1} (Duchi et al. 2008, Fig. 1, sort-based).</summary>
public static class SimplexProjection
{
    /// <summary>Projects every column of a [n, m] matrix onto the simplex in R^n; returns a new tensor.</summary>
    public static Tensor ProjectColumns(Tensor matrix)
    {
        if (matrix.dim() != 2) throw new LatentException($"simplex projection expects a matrix, got {matrix.dim()} dimensions");
        if (!matrix.isfinite().all().item<bool>()) throw new LatentException("simplex projection: the matrix holds NaN or infinite entries");
        using var scope = NewDisposeScope();
        long n = matrix.shape[0];
        // u = columns sorted in decreasing order; ρ = max{ j : u_j − (Σ_{r≤j} u_r − 1) / j > 0 }; θ = (Σ_{r≤ρ} u_r − 1) / ρ.
        var sorted = matrix.sort(0, descending: true).Values;
        var cumulative = sorted.cumsum(0) - 1;
        var rank = arange(1, n + 1, dtype: matrix.dtype, device: matrix.device).unsqueeze(1);
        var positive = (sorted - cumulative / rank).gt(0);
        var rho = (positive.to(matrix.dtype) * rank).amax(new long[] { 0 }, keepdim: true);
        var theta = cumulative.gather(0, rho.to(ScalarType.Int64) - 1) / rho;
        return (matrix - theta).clamp_min(0).MoveToOuterDisposeScope();
    }

    /// <summary>Projects one vector onto the simplex.</summary>
    public static Tensor ProjectVector(Tensor vector)
    {
        if (vector.dim() != 1) throw new LatentException($"simplex projection of a vector expects 1 dimension, got {vector.dim()}");
        using var column = vector.unsqueeze(1);
        using var projected = ProjectColumns(column);
        return projected.squeeze(1);
    }
}
