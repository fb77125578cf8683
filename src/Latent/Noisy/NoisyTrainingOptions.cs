namespace Latent.Noisy;

/// <summary>Settings of one noisy-label training run.</summary>
/// <param name="Epochs">Passes over the noisy training set.</param>
/// <param name="BatchSize">Examples per optimizer step.</param>
/// <param name="LearningRate">Adam learning rate of the classifier.</param>
/// <param name="TransitionLearningRate">Adam learning rate of Q (or of W for the softmax parameterization).</param>
/// <param name="TransitionOptimizer">"adam" or "sgd" (plain gradient steps, as Sukhbaatar et al.) for Q.</param>
/// <param name="TransitionGradientClip">Q's gradient norm is clipped to this before its step: with exact zeros in Q, an example
/// whose label Q calls nearly impossible has a gradient 1 / p(ỹ | x) that can be astronomically large.</param>
/// <param name="TraceWeight">Weight of Sukhbaatar's tr(Q) regularizer (0 = off).</param>
/// <param name="InitialOffDiagonal">Q starts at the symmetric matrix with this noise rate (0 = identity, projected Q only).</param>
/// <param name="FrozenEpochs">Epochs at the start during which Q is held at its initial value.</param>
/// <param name="EstimationEpochs">Epochs of the uncorrected first run used to estimate T for forward correction.</param>
/// <param name="EstimationQuantile">Quantile of p(ỹ = j | x) that picks the anchor example of class j (1 = argmax).</param>
/// <param name="Architecture">"cnn" (small CNN) or "mlp" (784-256-10 multilayer perceptron).</param>
/// <param name="Seed">Seeds weights, shuffling and everything random in the run.</param>
/// <param name="AverageDecay">Keep exponential moving averages of the classifier's weights and of Q with this decay per step, and
/// evaluate, select and return the averages (null: the raw iterates). An average of column-stochastic matrices is column-stochastic.</param>
/// <param name="WeightDecay">L2 penalty on the classifier's weights (Adam's weight_decay); it slows the memorisation of wrong labels.</param>
/// <param name="ValidationFraction">Share of the noisy training set held out (seeded split); when above 0 the run returns the
/// weights and Q of the epoch with the lowest noisy-label validation loss −log p(ỹ | x), so no clean label picks the epoch.</param>
public sealed record NoisyTrainingOptions(
    int Epochs = 5,
    int BatchSize = 128,
    double LearningRate = 1e-3,
    double TransitionLearningRate = 1e-2,
    string TransitionOptimizer = "adam",
    double TransitionGradientClip = 5,
    double TraceWeight = 0,
    double InitialOffDiagonal = 0.01,
    int FrozenEpochs = 0,
    int EstimationEpochs = 2,
    double EstimationQuantile = 0.97,
    string Architecture = "cnn",
    long Seed = 1,
    double ValidationFraction = 0,
    double? AverageDecay = null,
    double WeightDecay = 0);
