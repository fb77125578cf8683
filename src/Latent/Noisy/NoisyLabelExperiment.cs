using System.Diagnostics;
using Latent.Nn;
using TorchSharp.Modules;

namespace Latent.Noisy;

/// <summary>
/// Trains a classifier on noisy labels with one of the noise models and evaluates it on clean test labels after
/// every epoch. The classifier trains through <see cref="Trainer"/> with Adam; Q has its own optimizer (Adam or SGD, its
/// own learning rate) so that its state can be read after every step; the projection runs right after that step.
/// </summary>
public sealed class NoisyLabelExperiment
{
    private readonly Tensor trainImages;
    private readonly Tensor noisyLabels;
    private readonly Tensor testImages;
    private readonly Tensor testLabels;
    private readonly Tensor trueTransition;
    private readonly int classes;

    /// <summary>
    /// Holds the data, moved once to <paramref name="device"/> (default CPU), where the networks are built and trained: training images
    /// with noisy labels, clean test set, and the true T that made the noise.
    /// </summary>
    public NoisyLabelExperiment(Tensor trainImages, Tensor noisyLabels, Tensor testImages, Tensor testLabels, Tensor trueTransition, Device? device = null)
    {
        if (trainImages.shape[0] != noisyLabels.shape[0]) throw new LatentException($"{trainImages.shape[0]} training images but {noisyLabels.shape[0]} labels");
        if (testImages.shape[0] != testLabels.shape[0]) throw new LatentException($"{testImages.shape[0]} test images but {testLabels.shape[0]} labels");
        LabelNoise.Validate(trueTransition, "true T");
        Device = device ?? CPU;
        this.trainImages = trainImages.to(Device);
        this.noisyLabels = noisyLabels.to(Device);
        this.testImages = testImages.to(Device);
        this.testLabels = testLabels.to(Device);
        this.trueTransition = trueTransition.to(ScalarType.Float64, Device);
        classes = (int)trueTransition.shape[0];
    }

    /// <summary>The device the data and the networks live on.</summary>
    public Device Device { get; }

    /// <summary>Runs one noise model; <paramref name="onEpoch"/> sees each epoch's record, <paramref name="onProgress"/> each optimizer step.</summary>
    public NoisyTrainingResult Run(NoiseModel model, NoisyTrainingOptions options, Action<EpochRecord>? onEpoch = null, Action<TrainingProgress>? onProgress = null)
    {
        using var network = Train(model, options, out var result, onEpoch, onProgress);
        return result;
    }

    /// <summary>
    /// Runs one noise model like <see cref="Run"/> and returns the trained network (the caller disposes it). With a
    /// <paramref name="checkpointPath"/> a checkpoint is written after every epoch and when <paramref name="stop"/> interrupts the run
    /// (see <see cref="TrainerOptions.Stop"/>); <paramref name="resume"/> continues from it to the uninterrupted run's weights, Q and records.
    /// With <see cref="NoisyTrainingOptions.Patience"/> training stops once the noisy-label validation loss has not improved for that
    /// many epochs; <paramref name="log"/> receives TensorBoard scalars.
    /// </summary>
    public NoisyLabelClassifier Train(NoiseModel model, NoisyTrainingOptions options, out NoisyTrainingResult result, Action<EpochRecord>? onEpoch = null,
        Action<TrainingProgress>? onProgress = null, string? checkpointPath = null, bool resume = false, CancellationToken stop = default, RunLog? log = null)
    {
        if (options.Epochs < 1 || options.BatchSize < 1) throw new LatentException($"epochs and batch size must be ≥ 1, got {options.Epochs} and {options.BatchSize}");
        if (options.Patience is not null && options.ValidationFraction == 0) throw new LatentException("early stopping needs a validation share above 0 of the noisy training examples");
        if (model is NoiseModel.Softmax or NoiseModel.Project && options.Initialization == TransitionInitialization.Estimated && options.FrozenEpochs < 1)
            throw new LatentException("a Q initialised from the estimated T needs at least one frozen epoch to estimate it from (or start Q at the identity)");
        using var split = NoisySplit.Create(trainImages, noisyLabels, options.ValidationFraction, options.Seed);
        torch.manual_seed(options.Seed);
        Tensor? fixedTransition = model switch
        {
            NoiseModel.ForwardKnown => trueTransition,
            NoiseModel.Forward => EstimateTransition(options, split),
            _ => null,
        };
        torch.manual_seed(options.Seed);
        var network = CreateNetwork(model, options, trainImages.shape.Skip(1).ToArray(), classes, fixedTransition, Device);
        var records = new List<EpochRecord>();
        int estimateThrough = model is NoiseModel.Softmax or NoiseModel.Project && options.Initialization == TransitionInitialization.Estimated ? options.FrozenEpochs + 1 : 0;
        var (selectedEpoch, earlyStop) = Train(network, options, options.TransitionOptimizerFor(model), split, records, onEpoch, onProgress,
            TrainerOptionsFor(options, options.Epochs) with { CheckpointPath = checkpointPath, Resume = resume, Stop = stop, Patience = options.Patience }, estimateThrough, log);
        using var final = network.Noise?.Transition().detach().to(ScalarType.Float64, CPU) ?? eye(classes, dtype: ScalarType.Float64);
        using var truth = trueTransition.cpu();
        result = new NoisyTrainingResult(model, records, final.data<double>().ToArray(), classes, selectedEpoch) { TrueTransition = truth.data<double>().ToArray(), EarlyStop = earlyStop };
        return network;
    }

    /// <summary>
    /// The estimate of T behind forward correction: train the classifier for <see cref="NoisyTrainingOptions.EstimationEpochs"/> epochs behind a fixed
    /// noise layer that starts at the identity and is set to T estimated from the classifier's predictions after each epoch (see <see cref="TransitionEstimator"/>),
    /// and return the estimate after the last.
    /// </summary>
    public Tensor EstimateTransition(NoisyTrainingOptions options)
    {
        using var split = NoisySplit.Create(trainImages, noisyLabels, options.ValidationFraction, options.Seed);
        return EstimateTransition(options, split);
    }

    private Tensor EstimateTransition(NoisyTrainingOptions options, NoisySplit split)
    {
        using var identity = eye(classes, dtype: ScalarType.Float64, device: Device);
        using var network = CreateNetwork(NoiseModel.Forward, options, trainImages.shape.Skip(1).ToArray(), classes, identity, Device);
        Train(network, options, "adam", split.WithoutValidation(), [], null, null, TrainerOptionsFor(options, options.EstimationEpochs), options.EstimationEpochs);
        return EstimateTransition(network, split, classes);
    }

    /// <summary>T estimated from <paramref name="network"/>'s clean predictions f(x) (the classes it ranks first and second) on the training part of <paramref name="split"/> against its noisy labels (see <see cref="TransitionEstimator"/>).</summary>
    private static Tensor EstimateTransition(NoisyLabelClassifier network, NoisySplit split, int classes)
    {
        using var scope = NewDisposeScope();
        using var noGrad = no_grad();
        bool training = network.training;
        network.eval();
        var ranked = Predict(network, split.TrainImages, inputs => network.Logits(inputs).topk(2, dim: 1).indexes);
        network.train(training);
        return TransitionEstimator.Estimate(split.TrainLabels, ranked[.., 0], classes, ranked[.., 1]).MoveToOuterDisposeScope();
    }

    /// <summary>
    /// The untrained network of <paramref name="model"/> for examples of <paramref name="exampleShape"/> on <paramref name="device"/> (default CPU):
    /// a small CNN for images or an MLP on the flattened features (see <see cref="NoisyTrainingOptions.ArchitectureFor"/>), then the noise layer;
    /// a fixed T is needed for forward correction.
    /// </summary>
    public static NoisyLabelClassifier CreateNetwork(NoiseModel model, NoisyTrainingOptions options, IReadOnlyList<long> exampleShape, int classes, Tensor? fixedTransition, Device? device = null)
    {
        device ??= CPU;
        nn.Module<Tensor, Tensor> classifier = options.ArchitectureFor(exampleShape) == "cnn"
            ? new SmallCnn(exampleShape, classes, options.HiddenUnits, device)
            : new Mlp([(int)exampleShape.Aggregate(1L, (a, b) => a * b), options.HiddenUnits, classes], device: device);
        using var initial = model is NoiseModel.Softmax or NoiseModel.Project ? LabelNoise.Symmetric(classes, options.InitialOffDiagonal).to(device) : null;
        NoiseAdaptation? noise = model switch
        {
            NoiseModel.None => null,
            NoiseModel.Softmax => new SoftmaxTransition(initial!),
            NoiseModel.Project => new ProjectedTransition(initial!),
            _ => new FixedTransition((fixedTransition ?? throw new LatentException("forward correction needs a transition matrix")).to(device)),
        };
        return new NoisyLabelClassifier(classifier, noise);
    }

    /// <summary>
    /// Trains through <see cref="Trainer"/> on the classifier's parameters; Q has its own optimizer, stepped (and then
    /// projected or not, by the layer) in the trainer's after-step hook, where Q's gradient from the same backward pass
    /// is waiting. With a validation split, the weights and Q of the epoch with the lowest validation loss are restored at
    /// the end; a learned Q's frozen epochs are not candidates (their Q was never learned). Q is set to T estimated from the classifier
    /// (see <see cref="TransitionEstimator"/>) at the start of each epoch from the second through <paramref name="estimateThrough"/>. Checkpoints
    /// (see <paramref name="trainerOptions"/>) carry Q, its optimizer and average, the records and the best epoch's state, and the epoch Q was
    /// last estimated at, beside what the trainer keeps. Returns the 1-based epoch whose state the network holds, and how early stopping (when on) ended the run.
    /// </summary>
    private (int Epoch, EarlyStop? Stop) Train(NoisyLabelClassifier network, NoisyTrainingOptions options, string optimizer, NoisySplit split, List<EpochRecord> records,
        Action<EpochRecord>? onEpoch, Action<TrainingProgress>? onProgress, TrainerOptions trainerOptions, int estimateThrough, RunLog? log = null)
    {
        var transitionParameters = network.Noise?.parameters().ToList() ?? [];
        using var transitionOptimizer = transitionParameters.Count == 0 ? null : (optimizer switch
        {
            "adam" => OptimizerSettings.Adam(options.TransitionLearningRateFor(optimizer)),
            "sgd" => OptimizerSettings.Sgd(options.TransitionLearningRateFor(optimizer)),
            _ => throw new LatentException($"optimizer '{optimizer}' for Q: expected auto, adam or sgd"),
        }).Create(transitionParameters);
        using var transitionAverage = options.AverageDecay is { } decay && transitionParameters.Count > 0
            ? new ParameterAverage(transitionParameters, decay)
            : null;
        int epoch = 0;
        int bestEpoch = 0;
        var bestLoss = double.PositiveInfinity;
        Dictionary<string, Tensor>? bestState = null;
        bool learnQ = false;
        int estimatedAt = 0;
        ProjectionProbeAccumulator? probe = null, resumedProbe = null;
        var clock = new Stopwatch();
        double resumedSeconds = 0;
        Trainer? trainer = null;
        trainer = new Trainer(network.Classifier, OptimizerSettings.Adam(options.LearningRate) with { WeightDecay = options.WeightDecay }, trainerOptions)
        {
            BeforeEpoch = index =>
            {
                epoch = index + 1;
                learnQ = transitionOptimizer is not null && epoch > options.FrozenEpochs;
                if (epoch > 1 && epoch <= estimateThrough && estimatedAt < epoch)
                {
                    estimatedAt = epoch;
                    using var estimate = EstimateTransition(network, split, classes);
                    network.Noise!.Assign(estimate);
                    transitionAverage?.Reset();
                }
                probe = network.Noise is ProjectedTransition && learnQ && transitionOptimizer is Adam ? resumedProbe ?? new ProjectionProbeAccumulator() : null;
                resumedProbe = null;
                clock.Restart();
            },
            SaveState = writer =>
            {
                writer.Write(clock.Elapsed.TotalSeconds + resumedSeconds);
                WriteProbe(writer, probe);
                network.Noise?.save(writer);
                ((OptimizerHelper?)transitionOptimizer)?.save_state_dict(writer);
                transitionAverage?.Save(writer);
                EpochRecord.WriteAll(writer, records);
                writer.Write(bestEpoch);
                writer.Write(bestLoss);
                WriteState(writer, bestState);
                writer.Write(estimatedAt);
            },
            LoadState = reader =>
            {
                resumedSeconds = reader.ReadDouble();
                resumedProbe = ReadProbe(reader);
                network.Noise?.load(reader);
                ((OptimizerHelper?)transitionOptimizer)?.load_state_dict(reader);
                transitionAverage?.Load(reader);
                records.Clear();
                records.AddRange(EpochRecord.ReadAll(reader));
                bestEpoch = reader.ReadInt32();
                bestLoss = reader.ReadDouble();
                bestState = ReadState(reader, network);
                estimatedAt = reader.ReadInt32();
            },
            AfterStep = () =>
            {
                if (transitionOptimizer is null) return;
                if (learnQ)
                {
                    var before = network.Noise!.Transition().detach().clone();
                    nn.utils.clip_grad_norm_(transitionParameters, options.TransitionGradientClip);
                    transitionOptimizer.step();
                    network.Noise.AfterOptimizerStep();
                    probe?.Add(before, (ProjectedTransition)network.Noise, transitionOptimizer);
                }
                transitionOptimizer.zero_grad();
                transitionAverage?.Update();
            },
            Progress = onProgress,
            Log = log,
            EvaluationName = "clean test accuracy",
            Validate = () => records[^1].ValidationLoss,
            ValidationName = "noisy-label loss",
            Evaluate = () =>
            {
                var displaced = transitionAverage?.SwapIn() ?? [];
                var record = Evaluate(network, epoch, trainer!.Curve.Epochs[^1].Value, clock.Elapsed.TotalSeconds + resumedSeconds, probe?.Average(), split);
                (probe, resumedSeconds) = (null, 0);
                clock.Reset();
                if (record.ValidationLoss < bestLoss && (transitionOptimizer is null || learnQ))
                {
                    bestLoss = record.ValidationLoss;
                    bestEpoch = epoch;
                    StateSnapshot.Dispose(bestState);
                    bestState = StateSnapshot.Copy(network);
                }
                transitionAverage?.Restore(displaced);
                records.Add(record);
                onEpoch?.Invoke(record);
                return record.CleanTestAccuracy;
            },
        };
        var curve = trainer.Fit(split.TrainImages.shape[0], batch =>
            network.Loss(split.TrainImages.index_select(0, batch), split.TrainLabels.index_select(0, batch), learnQ ? options.TraceWeightFor(classes) : 0));
        if (bestState is null)
        {
            transitionAverage?.CopyIntoParameters();
            return (records.Count > 0 ? records.Count : trainerOptions.Epochs, curve.EarlyStop);
        }
        network.load_state_dict(bestState);
        StateSnapshot.Dispose(bestState);
        return (bestEpoch, curve.EarlyStop);
    }

    /// <summary>The classifier's trainer settings for <paramref name="epochs"/> epochs (its batch size, seed and average from <paramref name="options"/>).</summary>
    private static TrainerOptions TrainerOptionsFor(NoisyTrainingOptions options, int epochs) =>
        new() { Epochs = epochs, BatchSize = options.BatchSize, Seed = options.Seed, AverageDecay = options.AverageDecay };

    /// <summary>Writes the best epoch's state into a checkpoint: a presence flag, then <see cref="StateSnapshot"/>'s layout.</summary>
    private static void WriteState(BinaryWriter writer, Dictionary<string, Tensor>? state)
    {
        writer.Write(state is not null);
        if (state is not null) StateSnapshot.Write(writer, state);
    }

    /// <summary>Reads what <see cref="WriteState"/> wrote into fresh copies of <paramref name="network"/>'s state tensors (names and shapes checked).</summary>
    private static Dictionary<string, Tensor>? ReadState(BinaryReader reader, NoisyLabelClassifier network) =>
        reader.ReadBoolean() ? StateSnapshot.Read(reader, network) : null;

    private static void WriteProbe(BinaryWriter writer, ProjectionProbeAccumulator? probe)
    {
        writer.Write(probe is not null);
        probe?.Save(writer);
    }

    private static ProjectionProbeAccumulator? ReadProbe(BinaryReader reader) => reader.ReadBoolean() ? ProjectionProbeAccumulator.Load(reader) : null;


    private EpochRecord Evaluate(NoisyLabelClassifier network, int epoch, double trainLoss, double seconds, ProjectionProbe? probe, NoisySplit split)
    {
        var predictions = Predict(network, testImages, inputs => network.Logits(inputs).argmax(1));
        double accuracy = predictions.eq(testLabels).to(ScalarType.Float64).mean().item<double>();
        var q = network.Noise?.Transition().to(ScalarType.Float64) ?? eye(classes, dtype: ScalarType.Float64, device: Device);
        return new EpochRecord(
            epoch, trainLoss, accuracy,
            q.sum(0, keepdim: false).sub(1).abs().max().item<double>(),
            q.min().item<double>(),
            (q - trueTransition).abs().max().item<double>(),
            seconds, probe, ValidationLoss(network, split));
    }

    /// <summary>Mean −log p(ỹ | x) over the held-out noisy labels, NaN without a validation split.</summary>
    private static double ValidationLoss(NoisyLabelClassifier network, NoisySplit split)
    {
        if (split.ValidationImages is null || split.ValidationLabels is null) return double.NaN;
        var logProbabilities = Predict(network, split.ValidationImages, inputs => network.forward(inputs));
        return -logProbabilities.gather(1, split.ValidationLabels.unsqueeze(1)).to(ScalarType.Float64).mean().item<double>();
    }

    private static Tensor Predict(NoisyLabelClassifier network, Tensor images, Func<Tensor, Tensor> predict)
    {
        var parts = new List<Tensor>();
        for (long start = 0; start < images.shape[0]; start += 1000)
            parts.Add(predict(images.narrow(0, start, Math.Min(1000, images.shape[0] - start))));
        return cat(parts, 0);
    }
}
