using static TorchSharp.torch;

namespace Latent.Nn;

/// <summary>
/// Estimates T from a model trained on noisy labels (Patrini et al. 2017, Eq. 9–10): for each class j, take the
/// example x̄ whose predicted p(ỹ = j | x) sits at the given quantile (1 = the most confident one), and set
/// T[:, j] = p(ỹ | x̄).
/// </summary>
public static class TransitionEstimator
{
    /// <summary>Returns the estimated column-stochastic T [C, C] (float64) from noisy-label probabilities [N, C].</summary>
    public static Tensor Estimate(Tensor noisyProbabilities, double quantile)
    {
        if (noisyProbabilities.dim() != 2 || noisyProbabilities.shape[0] < 1)
            throw new LatentException($"transition estimate needs probabilities [N, C] with N ≥ 1, got [{string.Join(", ", noisyProbabilities.shape)}]");
        if (!(quantile > 0 && quantile <= 1)) throw new LatentException($"transition estimate: quantile must lie in (0, 1], got {quantile}");
        using var scope = NewDisposeScope();
        var probabilities = noisyProbabilities.to(ScalarType.Float64);
        long count = probabilities.shape[0];
        long position = Math.Min(count - 1, (long)Math.Floor(quantile * (count - 1) + 0.5));
        var order = probabilities.argsort(0);
        var anchors = order[position];
        var estimate = probabilities.index_select(0, anchors).t();
        return (estimate / estimate.sum(0, keepdim: true)).MoveToOuterDisposeScope();
    }
}
