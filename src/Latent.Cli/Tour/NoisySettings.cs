using Latent.Noisy;

namespace Latent.Cli.Tour;

/// <summary>What the noisy-label runs use: the noise, the noise models compared, the data budget and the optimizers.</summary>
public sealed record NoisySettings
{
    /// <summary>Injected noise: "symmetric:RATE", "pairflip:RATE", "none" or a CSV file of T (rows noisy, columns true).</summary>
    public string Noise { get; init; } = "symmetric:0.5";

    /// <summary>The noise models compared, each trained from the same initial classifier weights.</summary>
    public IReadOnlyList<NoiseModel> Models { get; init; } = new[] { NoiseModel.None, NoiseModel.Softmax, NoiseModel.Project, NoiseModel.Forward };

    /// <summary>Training images used (the first N of the 60k; labels then corrupted).</summary>
    public int Examples { get; init; } = 60_000;

    /// <summary>Epochs per model.</summary>
    public int Epochs { get; init; } = 10;

    /// <summary>Base classifier: "cnn" or "mlp".</summary>
    public string Architecture { get; init; } = "cnn";

    /// <summary>Examples per optimizer step.</summary>
    public int BatchSize { get; init; } = 128;

    /// <summary>Adam learning rate of the classifier.</summary>
    public double LearningRate { get; init; } = 1e-3;

    /// <summary>L2 penalty on the classifier's weights.</summary>
    public double WeightDecay { get; init; }

    /// <summary>Weight of the tr(Q) regularizer.</summary>
    public double TraceWeight { get; init; } = 0.05;

    /// <summary>Optimizer of Q: "auto" (SGD for the projected Q as in the paper, Adam for W of softmax Q), "adam" or "sgd".</summary>
    public string TransitionOptimizer { get; init; } = "auto";

    /// <summary>Learning rate of Q when it is trained by SGD.</summary>
    public double TransitionSgdLearningRate { get; init; } = 0.05;

    /// <summary>Learning rate of Q (or W) when it is trained by Adam.</summary>
    public double TransitionAdamLearningRate { get; init; } = 0.02;

    /// <summary>Epochs at the start during which Q is held at its initial value.</summary>
    public int FrozenEpochs { get; init; } = 1;

    /// <summary>Epochs of the uncorrected run whose confident predictions estimate T for forward correction.</summary>
    public int EstimationEpochs { get; init; } = 2;

    /// <summary>Also train the projected Q with Adam and measure Adam's moments against the projection.</summary>
    public bool MeasureOptimizerState { get; init; } = true;

    /// <summary>Share of the noisy training images held out to pick the epoch by noisy-label validation loss (0: keep the last epoch).</summary>
    public double ValidationFraction { get; init; } = 0.1;

    /// <summary>Decay of the moving averages of the classifier and of Q that are evaluated and kept (null: none).</summary>
    public double? AverageDecay { get; init; }

    /// <summary>MNIST-format directory (null: embedded MNIST).</summary>
    public string? DataDirectory { get; init; }

    /// <summary>The training options of one model under these settings.</summary>
    public NoisyTrainingOptions OptionsFor(NoiseModel model, long seed, string? transitionOptimizer = null)
    {
        var optimizer = transitionOptimizer ?? (TransitionOptimizer != "auto" ? TransitionOptimizer : model == NoiseModel.Project ? "sgd" : "adam");
        return new NoisyTrainingOptions(
            Epochs: Epochs,
            BatchSize: BatchSize,
            LearningRate: LearningRate,
            TransitionLearningRate: optimizer == "sgd" ? TransitionSgdLearningRate : TransitionAdamLearningRate,
            TransitionOptimizer: optimizer,
            TraceWeight: TraceWeight,
            InitialOffDiagonal: 0.01,
            FrozenEpochs: FrozenEpochs,
            EstimationEpochs: EstimationEpochs,
            Architecture: Architecture,
            Seed: seed,
            ValidationFraction: ValidationFraction,
            AverageDecay: AverageDecay,
            WeightDecay: WeightDecay);
    }
}
