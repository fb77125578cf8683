namespace Latent.Nn;

/// <summary>
/// Estimates T from a classifier trained for a while on the noisy labels: group the training examples by the class the classifier ranks
/// first, name each group by its majority noisy label, then column j of T is the share of each noisy label among the examples named j —
/// the confusion matrix between predictions and noisy labels that Goldberger and Ben-Reuven (2017) start their noise adaptation layer from.
/// Trained beside that estimate for an epoch, the classifier's clean predictions sharpen and the next estimate is closer (their EM variant
/// alternates the two the same way; see <see cref="Noisy.NoisyTrainingOptions.FrozenEpochs"/>). Naming a group by its majority label assumes
/// T diagonally dominant (every class keeps its own label more often than it takes any other, as in the noise of Patrini et al. 2017 and the
/// pair-flip of Han et al. 2018 below 50%): the true class of a group of examples of one class is its majority label. Patrini et al. (2017,
/// Eq. 9–10) instead read each column off one anchor example's predicted p(ỹ | x), at the 97th percentile of p(ỹ = j | x); on three MNIST
/// digits under 30% pair-flip noise that was 0.17 from T, the mean of p(ỹ | x) over the examples assigned to j 0.072 and these counts 0.045
/// (max |T̂ − T|, 6000 images, an MLP after 2 epochs).
/// <para>
/// A group can hold two classes: under 45% pair-flip the classifier has to tell p(ỹ = j | x) = 0.55 from p(ỹ = j + 1 | x) = 0.45, and on
/// 100 synthetic classes with 1000 examples each it ranked j + 1 first for most of class j after one epoch (clean accuracy 0.62). The group
/// j + 1 then held classes j and j + 1, was named j + 1, no group was named j and column j stayed at the identity, 0.45 from T; the classifier
/// trained beside that estimate kept the merge, and so did the learned Q. The second choice splits such a group: class j's examples rank
/// (j + 1, j), class j + 1's (j + 1, j + 2), and the first subgroup's majority is still j, so every example is named by the majority of its
/// subgroup. Renaming a subgroup only where its majority beat the runner-up by 2√(a + b), or named a class no group was named, kept forward
/// correction's estimate on ten MNIST digits under 45% pair-flip at 0.040 from T against 0.050 (20,000 images), but on the 100 classes the
/// subgroups that fell short stayed merged for another epoch and the projected Q ended 0.246 from T, against 0.053 this way.
/// </para>
/// </summary>
public static class TransitionEstimator
{
    /// <summary>
    /// The estimated column-stochastic T [C, C] (float64, rows the noisy label, columns the clean class) from each example's noisy label [N],
    /// the class the classifier ranks first [N] and optionally second [N] (int64 in 0..C−1): each example is named by the majority noisy label
    /// of the examples with the same first (and second) choice; then T̂[i, j] = #(ỹ = i, named j) / #(named j). A class nothing is named gets the identity column (no evidence of noise).
    /// </summary>
    public static Tensor Estimate(Tensor noisyLabels, Tensor firstChoice, int classes, Tensor? secondChoice = null)
    {
        if (noisyLabels.dim() != 1 || firstChoice.dim() != 1 || noisyLabels.shape[0] != firstChoice.shape[0] || noisyLabels.shape[0] < 1
            || secondChoice is not null && !secondChoice.shape.SequenceEqual(firstChoice.shape))
            throw new LatentException($"transition estimate needs one noisy label and one assigned class per example, got [{string.Join(", ", noisyLabels.shape)}] and [{string.Join(", ", firstChoice.shape)}]");
        if (classes < 2) throw new LatentException($"transition estimate needs at least 2 classes, got {classes}");
        using var scope = NewDisposeScope();
        var noisy = noisyLabels.to(ScalarType.Int64);
        var first = firstChoice.to(ScalarType.Int64, noisy.device);
        var groups = secondChoice is null ? first : first * classes + secondChoice.to(ScalarType.Int64, noisy.device);
        var (_, inverse, _) = groups.unique(sorted: true, return_inverse: true);
        long groupCount = inverse!.max().item<long>() + 1;
        var labelCounts = (inverse * classes + noisy).bincount(null, groupCount * classes).reshape(groupCount, classes);
        var named = labelCounts.argmax(1).index_select(0, inverse);
        var counts = (noisy * classes + named).bincount(null, classes * classes).reshape(classes, classes).to(ScalarType.Float64);
        var totals = counts.sum(0, keepdim: true);
        var identity = eye(classes, dtype: ScalarType.Float64, device: counts.device);
        return where(totals.gt(0), counts / totals.clamp_min(1), identity).MoveToOuterDisposeScope();
    }
}
