using Latent.Nn;

namespace Latent.Studies;

/// <summary>
/// Trains the same two-hidden-layer MLP from the same initial weights with (a) full batch, (b) mini-batch,
/// (c) pure SGD (batch 1) at the same learning rate, and (d), (e) SGD with the learning rate scaled to its batch size,
/// recording the full-data loss along the way, so the effect of batch size on the effective learning rate is visible.
/// </summary>
public sealed class BatchSizeStudy
{
    private readonly StudyData data;
    private readonly BatchSizeStudyOptions options;
    private readonly Device device;

    /// <summary>Prepares the study on <paramref name="data"/>, moved once to the options' device.</summary>
    public BatchSizeStudy(StudyData data, BatchSizeStudyOptions options)
    {
        this.options = options.Validate();
        device = ComputeDevice.Resolve(options.Device);
        this.data = data.On(device);
    }

    /// <summary>The regimes for this data set: (a) full batch, (b) mini-batch, (c) SGD at the same lr, then one scaled SGD regime per rule.</summary>
    public IReadOnlyList<BatchSizeRegime> Regimes()
    {
        int n = (int)data.Count;
        int mini = Math.Min(options.MiniBatchSize, n);
        var regimes = new List<BatchSizeRegime>
        {
            new($"(a) full batch b={n}", n, LearningRateScaling.None),
            new($"(b) mini-batch b={mini}", mini, LearningRateScaling.None),
            new("(c) SGD b=1 same lr", 1, LearningRateScaling.None),
        };
        foreach (var rule in options.ScalingRules)
            regimes.Add(new BatchSizeRegime($"({(char)('a' + regimes.Count)}) SGD b=1 lr {(rule == LearningRateScaling.Linear ? "x b/N" : "x sqrt(b/N)")}", 1, rule));
        return regimes;
    }

    /// <summary>
    /// The learning rate handed to the optimizer for <paramref name="regime"/>. The scaling rules act on the effective,
    /// mean-equivalent learning rate; with summed losses that rate is lr * b, so the optimizer's rate is divided by b.
    /// </summary>
    public double LearningRateFor(BatchSizeRegime regime)
    {
        if (regime.Scaling == LearningRateScaling.None) return options.LearningRate;
        int n = (int)data.Count;
        double fullBatchEffective = EffectiveLearningRate(options.LearningRate, n);
        double targetEffective = regime.Scaling.Scale(fullBatchEffective, n, regime.BatchSize);
        return options.Reduction == LossReduction.Sum ? targetEffective / regime.BatchSize : targetEffective;
    }

    /// <summary>The mean-equivalent learning rate: lr for mean-reduced losses, lr * b for summed ones.</summary>
    public double EffectiveLearningRate(double learningRate, int batchSize) =>
        options.Reduction == LossReduction.Sum ? learningRate * batchSize : learningRate;

    /// <summary>
    /// Runs every regime once per loss reduction in <paramref name="reductions"/> on the same data. A summed loss gets the
    /// learning rate divided by N (the same full-batch update as the mean) and no scaled regimes, whose rule it builds in already.
    /// </summary>
    public static IReadOnlyList<BatchSizeRun> Compare(StudyData data, BatchSizeStudyOptions options, IEnumerable<LossReduction> reductions, Action<BatchSizeRegime, TrainingProgress>? progress = null) =>
        reductions.SelectMany(reduction => new BatchSizeStudy(data, options with
        {
            Reduction = reduction,
            LearningRate = reduction == LossReduction.Sum ? options.LearningRate / data.Count : options.LearningRate,
            ScalingRules = reduction == LossReduction.Mean ? options.ScalingRules : [],
        }).Run(progress)).ToList();

    /// <summary>Runs every regime; <paramref name="progress"/> receives the regime name with each training step.</summary>
    public IReadOnlyList<BatchSizeRun> Run(Action<BatchSizeRegime, TrainingProgress>? progress = null) =>
        Regimes().Select(r => RunRegime(r, progress)).ToList();

    /// <summary>Trains one regime from the seeded initial weights for the configured number of steps.</summary>
    public BatchSizeRun RunRegime(BatchSizeRegime regime, Action<BatchSizeRegime, TrainingProgress>? progress = null)
    {
        RunSeed.Apply(options.Seed);
        using var model = new Mlp(new[] { data.InputSize, options.Hidden[0], options.Hidden[1], data.Outputs }, device: device);
        double lr = LearningRateFor(regime);
        int stepsPerEpoch = (int)((data.Count + regime.BatchSize - 1) / regime.BatchSize);
        var trainer = new Trainer(model, OptimizerSettings.Sgd(lr), new TrainerOptions
        {
            BatchSize = regime.BatchSize,
            Epochs = (options.Steps + stepsPerEpoch - 1) / stepsPerEpoch,
            MaxSteps = options.Steps,
            Seed = options.Seed,
            EvaluateEverySteps = options.EvaluateEverySteps,
        })
        {
            Evaluate = () => data.PerExampleLoss(model, arange(data.Count, ScalarType.Int64, device: device)).mean().item<float>(),
            Progress = progress is null ? null : p => progress(regime, p),
        };
        long? diverged = null;
        try
        {
            trainer.Fit(data.Count, indices =>
            {
                var losses = data.PerExampleLoss(model, indices);
                return options.Reduction == LossReduction.Sum ? losses.sum() : losses.mean();
            });
        }
        catch (NonFiniteLossException e)
        {
            diverged = e.Step;
        }
        var curve = trainer.Curve;
        if (diverged is null && curve.Evaluations.Count > 0 && !double.IsFinite(curve.Evaluations[^1].Value))
            diverged = curve.Evaluations.First(p => !double.IsFinite(p.Value)).Step;
        return new BatchSizeRun(regime, options.Reduction, lr, EffectiveLearningRate(lr, regime.BatchSize), curve, diverged);
    }
}
