namespace Latent.Noisy;

/// <summary>Every setting of a noisy-label classifier and its training, with the defaults the CLI and the library share.</summary>
/// <param name="Epochs">Passes over the noisy training set.</param>
/// <param name="BatchSize">Examples per optimizer step.</param>
/// <param name="LearningRate">Adam learning rate of the classifier.</param>
/// <param name="TransitionLearningRate">Learning rate of Q (or of W for the softmax parameterization); null: 0.05 under SGD, 0.02 under Adam.</param>
/// <param name="TransitionOptimizer">"adam", "sgd" (plain gradient steps, as Sukhbaatar et al.) or "auto" (SGD for the projected Q, Adam otherwise).</param>
/// <param name="TransitionGradientClip">Q's gradient norm is clipped to this before its step: with exact zeros in Q, an example
/// whose label Q calls nearly impossible has a gradient 1 / p(ỹ | x) that can be astronomically large.</param>
/// <param name="TraceWeight">Weight of Sukhbaatar's tr(Q) regularizer (0 = off). Sukhbaatar et al. (2015) use it to break the tie between a
/// classifier that absorbs the noise beside Q = I and a clean one beside Q = T; it lowers Q's diagonal, so too large a weight overshoots T.
/// Measured (Q started at an estimate of T, MNIST, MLP): on three digits at 30% pair-flip max |Q − T| was 0.045 without it, 0.038 at 0.01 and
/// 0.025 at 0.05, but at 45% pair-flip 0.05 overshot to 0.069 against 0.037 at 0.01, and on ten digits at 50% symmetric noise 0.05 gave 0.13
/// against 0.12 (softmax) and 0.08 (projected) at 0.01; so the default is 0.01.</param>
/// <param name="InitialOffDiagonal">Q starts at the symmetric matrix with this noise rate (0 = identity, projected Q only).</param>
/// <param name="FrozenEpochs">Epochs at the start during which Q is held at its initial value.</param>
/// <param name="Initialization">Where a learned Q starts when the frozen epochs end: T estimated from the classifier trained so far (needs at least
/// one frozen epoch), or the near-identity start.</param>
/// <param name="EstimationEpochs">Epochs of the uncorrected first run used to estimate T for forward correction.</param>
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
    double TraceWeight = 0.01,
    double InitialOffDiagonal = 0.01,
    int FrozenEpochs = 1,
    TransitionInitialization Initialization = TransitionInitialization.Estimated,
    int EstimationEpochs = 2,
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

    /// <summary>Q's learning rate under <paramref name="optimizer"/>: the one given, else 0.05 for SGD and 0.02 for Adam.</summary>
    public double TransitionLearningRateFor(string optimizer) => TransitionLearningRate ?? (optimizer == "sgd" ? 0.05 : 0.02);

    /// <summary>"cnn" or "mlp" for examples of <paramref name="exampleShape"/> ("auto": cnn for images [C, H, W], mlp otherwise).</summary>
    public string ArchitectureFor(IReadOnlyList<long> exampleShape) => Architecture switch
    {
        "auto" => exampleShape.Count == 3 ? "cnn" : "mlp",
        "cnn" when exampleShape.Count != 3 => throw new LatentException($"the cnn classifier needs images [C, H, W]; these examples have shape [{string.Join(", ", exampleShape)}] (use mlp)"),
        "cnn" or "mlp" => Architecture,
        _ => throw new LatentException($"architecture '{Architecture}': expected auto, cnn or mlp"),
    };
}
