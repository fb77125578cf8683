using Latent.Gp.Models;

namespace Latent.Gp;

/// <summary>Initial inducing inputs Z chosen from training inputs: every k-th row, or k-means centroids.</summary>
public static class InducingPoints
{
    /// <summary>Rows 0, k, 2k, … of X (GPflow examples' x[::k]), as float64.</summary>
    public static Tensor EveryKth(Tensor X, int k)
    {
        if (X.dim() != 2) throw new LatentException($"inducing points: X must be [N, D], got {X.dim()} dimensions");
        if (k < 1 || k > X.shape[0]) throw new LatentException($"inducing points: step k must lie in 1..{X.shape[0]}, got {k}");
        using var rows = arange(0, X.shape[0], k, dtype: int64, device: X.device);
        return X.index_select(0, rows).to(float64);
    }

    /// <summary>
    /// Lloyd's k-means with count centroids started at distinct random rows (seeded by the generator), as float64; it stops early once
    /// no assignment changes. The distances are formed for blocks of rows at a time (each under <see cref="Sgpr.BlockBytes"/>), so
    /// the allocator reuses the same buffers each iteration. <paramref name="stop"/> is checked before each iteration
    /// (<see cref="PhaseInterruptedException"/>).
    /// </summary>
    public static Tensor KMeans(Tensor X, int count, Generator? generator = null, int iterations = 20, CancellationToken stop = default)
    {
        if (X.dim() != 2) throw new LatentException($"inducing points: X must be [N, D], got {X.dim()} dimensions");
        if (count < 1 || count > X.shape[0]) throw new LatentException($"inducing points: k-means count must lie in 1..{X.shape[0]}, got {count}");
        using var scope = NewDisposeScope();
        var n = X.shape[0];
        var data = X.to(float64);
        var centroids = data.index_select(0, randperm(n, generator: generator, device: X.device).narrow(0, 0, count));
        var rows = Math.Max(1, Sgpr.BlockBytes / (sizeof(double) * count));
        using var ones = torch.ones(n, dtype: float64, device: X.device);
        Tensor? previous = null;
        for (var iteration = 0; iteration < iterations; iteration++)
        {
            PhaseInterruptedException.ThrowIf(stop, "the k-means initialisation of the inducing inputs");
            using var step = NewDisposeScope();
            // argmin over centroids of ‖c‖² − 2 x·c: the row's own ‖x‖² does not change which centroid is nearest.
            var centroidNorms = centroids.square().sum(1).unsqueeze(0);
            var assignment = cat(Enumerable.Range(0, (int)((n + rows - 1) / rows))
                .Select(block => addmm(centroidNorms, data.narrow(0, block * rows, Math.Min(rows, n - block * rows)), centroids.transpose(0, 1), beta: 1, alpha: -2).argmin(1))
                .ToArray(), 0);
            if (previous is not null && assignment.eq(previous).all().item<bool>()) break;
            var sums = zeros_like(centroids).index_add_(0, assignment, data, 1.0);
            var counts = zeros(count, dtype: float64, device: X.device).index_add_(0, assignment, ones, 1.0);
            var empty = counts.eq(0.0).unsqueeze(1);
            centroids = where(empty, centroids, sums / counts.clamp_min(1.0).unsqueeze(1)).MoveToOuterDisposeScope();
            previous?.Dispose();
            previous = assignment.MoveToOuterDisposeScope();
        }
        return centroids.MoveToOuterDisposeScope();
    }
}
