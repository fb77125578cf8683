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
        // The projection is unchanged by adding a constant to a column, so each column is shifted to max 0 first: then
        // the cumulative sums keep their "− 1" even for huge entries. Computed in float64, returned in the input's dtype.
        var values = matrix.to(ScalarType.Float64);
        values = values - values.amax(new long[] { 0 }, keepdim: true);
        // u = columns sorted in decreasing order; ρ = max{ j : u_j − (Σ_{r≤j} u_r − 1) / j > 0 }; θ = (Σ_{r≤ρ} u_r − 1) / ρ.
        var sorted = values.sort(0, descending: true).Values;
        var cumulative = sorted.cumsum(0) - 1;
        var rank = arange(1, n + 1, dtype: ScalarType.Float64, device: matrix.device).unsqueeze(1);
        var positive = (sorted - cumulative / rank).gt(0);
        // ρ ≥ 1 in exact arithmetic (j = 1 always qualifies); the clamp keeps rounding from producing index −1.
        var rho = (positive.to(ScalarType.Float64) * rank).amax(new long[] { 0 }, keepdim: true).clamp_min(1);
        var theta = cumulative.gather(0, rho.to(ScalarType.Int64) - 1) / rho;
        return (values - theta).clamp_min(0).to(matrix.dtype).MoveToOuterDisposeScope();
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
