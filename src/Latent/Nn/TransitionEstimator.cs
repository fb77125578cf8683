namespace Latent.Nn;

/// <summary>
/// Estimates T from a classifier trained for a while on the noisy labels: split the training examples into groups by the classifier's
/// clean predictions, name each group by its majority noisy label, then column j of T is the share of each noisy label among the examples
/// named j — the confusion matrix between predictions and noisy labels that Goldberger and Ben-Reuven (2017) start their noise adaptation
/// layer from. Trained beside that estimate for an epoch, the classifier's clean predictions sharpen and the next estimate is closer (their
/// EM variant alternates the two the same way; see <see cref="Noisy.NoisyTrainingOptions.FrozenEpochs"/>). Naming a group by its majority
/// label assumes T diagonally dominant (every class keeps its own label more often than it takes any other, as in the noise of Patrini et
/// al. 2017 and the pair-flip of Han et al. 2018 below 50%): the true class of a group of examples of one class is its majority label.
/// Patrini et al. (2017, Eq. 9–10) instead read each column off one anchor example's predicted p(ỹ | x), at the 97th percentile of
/// p(ỹ = j | x); on three MNIST digits under 30% pair-flip noise that was 0.17 from T, the mean of p(ỹ | x) over the examples assigned
/// to j 0.072 and these counts 0.045 (max |T̂ − T|, 6000 images, an MLP after 2 epochs).
/// </summary>
public static class TransitionEstimator
{
    /// <summary>
    /// The estimated column-stochastic T [C, C] (float64, rows the noisy label, columns the clean class) from each example's noisy label [N]
    /// (int64 in 0..C−1) and its group [N] (any int64 ids): every group is named argmax_i #(ỹ = i, in the group), then
    /// T̂[i, j] = #(ỹ = i, named j) / #(named j); a class no group is named gets the identity column (no evidence of noise).
    /// </summary>
    public static Tensor Estimate(Tensor noisyLabels, Tensor groups, int classes)
    {
        if (noisyLabels.dim() != 1 || groups.dim() != 1 || noisyLabels.shape[0] != groups.shape[0] || noisyLabels.shape[0] < 1)
            throw new LatentException($"transition estimate needs one noisy label and one group per example, got [{string.Join(", ", noisyLabels.shape)}] and [{string.Join(", ", groups.shape)}]");
        if (classes < 2) throw new LatentException($"transition estimate needs at least 2 classes, got {classes}");
        using var scope = NewDisposeScope();
        var noisy = noisyLabels.to(ScalarType.Int64);
        var (ids, inversed, _) = groups.to(ScalarType.Int64, noisy.device).unique(sorted: true, return_inverse: true);
        long groupCount = ids.shape[0];
        var inverse = inversed!;
        var labelCounts = (inverse * classes + noisy).bincount(null, groupCount * classes).reshape(groupCount, classes);
        var named = labelCounts.argmax(1).index_select(0, inverse);
        var counts = (noisy * classes + named).bincount(null, classes * classes).reshape(classes, classes).to(ScalarType.Float64);
        var totals = counts.sum(0, keepdim: true);
        var identity = eye(classes, dtype: ScalarType.Float64, device: counts.device);
        return where(totals.gt(0), counts / totals.clamp_min(1), identity).MoveToOuterDisposeScope();
    }

    /// <summary>
    /// The groups <see cref="Estimate"/> names for clean-class logits [N, C]: the ordered pair (first, second most likely class), as
    /// top1 · C + top2. Grouping by the first choice alone merges two classes whenever the classifier ranks a class's most frequent wrong label
    /// above its own — under 45% pair-flip an uncorrected classifier separates p(ỹ = j | x) = 0.55 from p(ỹ = j + 1 | x) = 0.45 and on 100
    /// synthetic classes with 1000 examples each it ranked them the wrong way round for whole classes after one epoch (clean accuracy 0.62),
    /// leaving a class no group was named and its column at the identity, 0.45 from T. The second choice keeps such a class apart: its
    /// examples form the group (j + 1, j) while class j + 1's form (j + 1, j + 2), and the first group's majority label is still j.
    /// </summary>
    public static Tensor GroupsOf(Tensor logits)
    {
        if (logits.dim() != 2 || logits.shape[1] < 2) throw new LatentException($"transition groups need logits [N, C ≥ 2], got [{string.Join(", ", logits.shape)}]");
        using var scope = NewDisposeScope();
        var top = logits.topk(2, dim: 1).indexes;
        return (top[.., 0] * logits.shape[1] + top[.., 1]).MoveToOuterDisposeScope();
    }
}
