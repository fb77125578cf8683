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
    /// Lloyd's k-means with count centroids started at distinct random rows (seeded by the generator), as float64; <paramref name="stop"/>
    /// is checked before each iteration (<see cref="PhaseInterruptedException"/>).
    /// </summary>
    public static Tensor KMeans(Tensor X, int count, Generator? generator = null, int iterations = 20, CancellationToken stop = default)
    {
        if (X.dim() != 2) throw new LatentException($"inducing points: X must be [N, D], got {X.dim()} dimensions");
        if (count < 1 || count > X.shape[0]) throw new LatentException($"inducing points: k-means count must lie in 1..{X.shape[0]}, got {count}");
        using var scope = NewDisposeScope();
        var data = X.to(float64);
        var centroids = data.index_select(0, randperm(X.shape[0], generator: generator, device: X.device).narrow(0, 0, count));
        var squaredNorms = data.square().sum(1, keepdim: true);
        for (var iteration = 0; iteration < iterations; iteration++)
        {
            PhaseInterruptedException.ThrowIf(stop, "the k-means initialisation of the inducing inputs");
            using var step = NewDisposeScope();
            var distances = squaredNorms - 2 * data.matmul(centroids.transpose(0, 1)) + centroids.square().sum(1).unsqueeze(0);
            var assignment = distances.argmin(1);
            var sums = zeros_like(centroids).index_add_(0, assignment, data, 1.0);
            var counts = zeros(count, dtype: float64, device: X.device).index_add_(0, assignment, ones(X.shape[0], dtype: float64, device: X.device), 1.0);
            var empty = counts.eq(0.0).unsqueeze(1);
            centroids = where(empty, centroids, sums / counts.clamp_min(1.0).unsqueeze(1)).MoveToOuterDisposeScope();
        }
        return centroids.MoveToOuterDisposeScope();
    }
}
