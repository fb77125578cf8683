namespace Latent.Noisy;

/// <summary>Every setting of a noisy-label classifier and its training, with the defaults the CLI and the library share.</summary>
/// <param name="Epochs">Passes over the noisy training set.</param>
/// <param name="BatchSize">Examples per optimizer step.</param>
/// <param name="LearningRate">Adam learning rate of the classifier.</param>
/// <param name="TransitionLearningRate">Learning rate of Q (or of W for the softmax parameterization); null: 0.003 under SGD, 0.002 under Adam. Q starts
/// at an estimate of T (see <see cref="Initialization"/>), so its steps refine rather than travel: with Adam's 0.02 the softmax Q on 100 synthetic
/// classes under 45% symmetric noise drifted from 0.048 to 0.22 from T (Adam moves every log-entry by about the step size, even the 99 small
/// off-diagonal ones per column whose gradient is mostly noise), with 0.002 it ended at 0.046; the projected Q under SGD 0.01 ended 0.053 from T there (0.101 with 3000 examples a class), under SGD 0.003
/// 0.049, and on ten MNIST digits 0.024 against 0.035 (45% symmetric) and 0.019 against 0.033 (45% pair-flip).</param>
/// <param name="TransitionOptimizer">"adam", "sgd" (plain gradient steps, as Sukhbaatar et al.) or "auto" (SGD for the projected Q, Adam otherwise).</param>
/// <param name="TransitionGradientClip">Q's gradient norm is clipped to this before its step: with exact zeros in Q, an example
/// whose label Q calls nearly impossible has a gradient 1 / p(ỹ | x) that can be astronomically large.</param>
/// <param name="TraceWeight">Weight of Sukhbaatar's tr(Q) regularizer (0 = off; null: 0.03 / C for C classes). Sukhbaatar et al. (2015) use it to break
/// the tie between a classifier that absorbs the noise beside Q = I and a clean one beside Q = T; it lowers Q's diagonal, so too large a weight
/// overshoots T. The likelihood's pull on each entry of Q shrinks as 1/C (each column sees a C-th of the examples) while the trace's does not,
/// so a fixed weight biases the diagonal more the more classes there are: 0.01 was right on three MNIST digits (max |Q − T| 0.038 against 0.045
/// without it at 30% pair-flip) but on 100 synthetic classes pulled the diagonal of a 45%-noise T down by about 0.25 and collapsed the softmax Q
/// under pair-flip; hence a weight of 0.03 / C (0.01 at three classes).</param>
/// <param name="InitialOffDiagonal">Q starts at the symmetric matrix with this noise rate (0 = identity, projected Q only).</param>
/// <param name="FrozenEpochs">Epochs at the start during which Q is held: with <see cref="TransitionInitialization.Estimated"/> Q is set to T estimated
/// from the classifier after each of them, so the classifier of the next epoch learns beside that estimate and the next estimate comes from
/// cleaner predictions (see <see cref="Initialization"/>).</param>
/// <param name="Initialization">Where a learned Q starts when the frozen epochs end: T estimated from the classifier trained so far (needs at least
/// one frozen epoch), or the near-identity start.</param>
/// <param name="EstimationEpochs">Epochs of the first run that estimates T for forward correction; T is re-estimated after each of them and held
/// in a fixed noise layer for the next, as the frozen epochs of a learned Q. The estimate is only as clean as the classifier's groups, so the
/// classifier has to be trained long enough (Patrini et al. 2017 estimate from a network trained to convergence): on ten MNIST digits
/// (20,000 images, MLP) max |T̂ − T| was 0.050–0.070 after 3 epochs and 0.035–0.040 after 6, under symmetric and pair-flip noise of 0.2 and 0.45.</param>
/// <param name="Architecture">"cnn" (small CNN, images only), "mlp" (one hidden layer on the flattened features) or "auto" (cnn for images, mlp for vectors).</param>
/// <param name="Seed">Seeds the label noise, weights, shuffling and everything random in the run.</param>
/// <param name="ValidationFraction">Share of the noisy training set held out (seeded split); when above 0 the run returns the
/// weights and Q of the epoch with the lowest noisy-label validation loss −log p(ỹ | x), so no clean label picks the epoch.</param>
/// <param name="AverageDecay">Keep exponential moving averages of the classifier's weights and of Q with this decay per step, and
/// evaluate, select and return the averages (null: the raw iterates). An average of column-stochastic matrices is column-stochastic.</param>
/// <param name="WeightDecay">L2 penalty on the classifier's weights (Adam's weight_decay); it slows the memorisation of wrong labels.</param>
/// <param name="Model">How the label noise is modelled: a learned Q (softmax or projected), forward correction, or none.</param>
/// <param name="HiddenUnits">Width of the hidden layer before the logits (CNN and MLP).</param>
/// <param name="Examples">Train on at most this many training examples (null: all of them).</param>
/// <param name="Patience">Stop when the noisy-label validation loss has not improved for this many epochs (needs a validation
/// split; null: run every epoch).</param>
/// <param name="Device">The device the model computes on: "cpu", "cuda" or "cuda:N" (see <see cref="ComputeDevice"/>); not part of the saved model.</param>
public sealed record NoisyTrainingOptions(
    int Epochs = 10,
    int BatchSize = 128,
    double LearningRate = 1e-3,
    double? TransitionLearningRate = null,
    string TransitionOptimizer = "auto",
    double TransitionGradientClip = 5,
    double? TraceWeight = null,
    double InitialOffDiagonal = 0.01,
    int FrozenEpochs = 2,
    TransitionInitialization Initialization = TransitionInitialization.Estimated,
    int EstimationEpochs = 6,
    string Architecture = "auto",
    long Seed = 0,
    double ValidationFraction = 0.1,
    double? AverageDecay = null,
    double WeightDecay = 0,
    NoiseModel Model = NoiseModel.Softmax,
    int HiddenUnits = 256,
    long? Examples = null,
    [property: JsonIgnore] string Device = ComputeDevice.Default,
    int? Patience = null)
{
    /// <summary>The defaults.</summary>
    public static NoisyTrainingOptions Default { get; } = new();

    /// <summary>The optimizer Q is trained by under <paramref name="model"/>: "auto" becomes SGD for the projected Q, Adam otherwise.</summary>
    public string TransitionOptimizerFor(NoiseModel model) =>
        TransitionOptimizer != "auto" ? TransitionOptimizer : model == NoiseModel.Project ? "sgd" : "adam";

    /// <summary>Q's learning rate under <paramref name="optimizer"/>: the one given, else 0.003 for SGD and 0.002 for Adam.</summary>
    public double TransitionLearningRateFor(string optimizer) => TransitionLearningRate ?? (optimizer == "sgd" ? 0.003 : 0.002);

    /// <summary>The weight of tr(Q) for <paramref name="classes"/> classes: the one given, else 0.03 / C.</summary>
    public double TraceWeightFor(int classes) => TraceWeight ?? 0.03 / classes;

    /// <summary>"cnn" or "mlp" for examples of <paramref name="exampleShape"/> ("auto": cnn for images [C, H, W], mlp otherwise).</summary>
    public string ArchitectureFor(IReadOnlyList<long> exampleShape) => Architecture switch
    {
        "auto" => exampleShape.Count == 3 ? "cnn" : "mlp",
        "cnn" when exampleShape.Count != 3 => throw new LatentException($"the cnn classifier needs images [C, H, W]; these examples have shape [{string.Join(", ", exampleShape)}] (use mlp)"),
        "cnn" or "mlp" => Architecture,
        _ => throw new LatentException($"architecture '{Architecture}': expected auto, cnn or mlp"),
    };
}
