using Latent.Nn;

namespace Latent.Noisy;

/// <summary>
/// A classifier trained on noisy labels (Sukhbaatar et al. 2015; Patrini et al. 2017): a CNN for images of any size and channels or an MLP
/// for vectors, followed by a C×C transition matrix Q, p(ỹ | x) = Q · softmax(f(x)), kept column-stochastic by a softmax
/// parameterisation or by projection onto the simplex. Create it from options and the data's shape, <see cref="Fit(Dataset, string, Action{TrainingProgress}?, string?, bool, CancellationToken, RunLog?)"/>
/// on labels corrupted by a known noise, then predict clean classes with softmax(f(x)). Inputs are the data set's features as
/// loaded (already standardised when the data set was), from any device; the model and its predictions live on <see cref="Device"/>.
/// </summary>
public sealed class NoisyClassifier : ExampleModel, ILatentModel<DataPart>, IClassifier
{
    /// <summary>The model kind written to config.json.</summary>
    public const string Kind = "noisy-classifier";

    /// <summary>The label noise the CLI injects unless told otherwise.</summary>
    public const string DefaultNoise = "symmetric:0.5";

    private const int FormatVersion = 2;
    private static readonly JsonSerializerOptions Json = new() { Converters = { new JsonStringEnumConverter() } };
    private NoisyLabelClassifier network;

    /// <summary>An untrained classifier for examples of <paramref name="exampleShape"/> ([D] or [C, H, W]) and <paramref name="classCount"/> ≥ 2 classes, on the options' device.</summary>
    public NoisyClassifier(NoisyTrainingOptions options, IReadOnlyList<long> exampleShape, int classCount, IReadOnlyList<string>? classNames = null, Standardization? standardization = null)
        : base(Kind, DataDescription.ForClassifier(exampleShape, classCount, classNames, standardization), TrainingRecord.Untrained(JsonSerializer.SerializeToNode(options, Json)!, options.Seed))
    {
        if (classCount < 2) throw new LatentException($"a noisy-label classifier needs at least 2 classes, got {classCount}");
        Options = options;
        Architecture = options.ArchitectureFor(ExampleShape);
        Device = ComputeDevice.Resolve(options.Device);
        RunSeed.Apply(options.Seed);
        using var identity = eye(classCount, dtype: ScalarType.Float64, device: Device);
        network = NoisyLabelExperiment.CreateNetwork(options.Model, options, ExampleShape, classCount, identity, Device);
    }

    /// <summary>An untrained classifier shaped for <paramref name="data"/> (example shape, classes, class names, standardisation).</summary>
    public static NoisyClassifier For(Dataset data, NoisyTrainingOptions? options = null) =>
        new(options ?? NoisyTrainingOptions.Default, data.ExampleShape, data.ClassCount, data.ClassNames, data.Standardization);

    /// <summary>The options it was created with.</summary>
    public NoisyTrainingOptions Options { get; }

    /// <summary>The device the network, its training data and every returned tensor live on.</summary>
    public override Device Device { get; }

    /// <summary>The network: the base classifier followed by the noise layer (replaced by each <c>Fit</c>).</summary>
    public NoisyLabelClassifier Network => network;

    /// <inheritdoc />
    public override string Describe() => $"{Architecture} classifier, {ClassCount} classes, noise model {Options.Model.ToString().ToLowerInvariant()}";

    /// <summary>"cnn" or "mlp".</summary>
    public string Architecture { get; }

    /// <summary>The T [C, C] that generated the training noise (row-major), once fitted or loaded; null otherwise.</summary>
    public double[]? TrueTransition { get; private set; }

    /// <summary>The learned (or fixed) Q [C, C], row-major; the identity for the plain classifier.</summary>
    public double[] Transition()
    {
        using var scope = NewDisposeScope();
        using var noGrad = no_grad();
        var q = network.Noise?.Transition().detach() ?? eye(ClassCount);
        return q.to(ScalarType.Float64, CPU).contiguous().data<double>().ToArray();
    }

    /// <summary>Corrupts the training labels of <paramref name="data"/> by <paramref name="noise"/> (see <see cref="LabelNoise.Parse"/>), then trains (checkpoints as in the other overload).</summary>
    public NoisyTrainingResult Fit(Dataset data, string noise, Action<TrainingProgress>? progress = null, string? checkpointPath = null, bool resume = false, CancellationToken stop = default, RunLog? log = null)
    {
        using var transition = LabelNoise.Parse(noise, ClassCount);
        return Fit(data, transition, progress, checkpointPath, resume, stop, log);
    }

    /// <summary>
    /// Corrupts the training labels of <paramref name="data"/> by the column-stochastic <paramref name="trueTransition"/> (seeded by
    /// the options' seed; the test labels stay clean), trains, and returns the per-epoch record evaluated on the clean test part.
    /// With a <paramref name="checkpointPath"/> a checkpoint is written after every epoch, and <paramref name="resume"/> continues from it;
    /// <paramref name="stop"/> interrupts it after a step (see <see cref="TrainerOptions.Stop"/>); <paramref name="log"/> receives TensorBoard scalars.
    /// </summary>
    public NoisyTrainingResult Fit(Dataset data, Tensor trueTransition, Action<TrainingProgress>? progress = null, string? checkpointPath = null, bool resume = false, CancellationToken stop = default, RunLog? log = null)
    {
        if (!data.ExampleShape.SequenceEqual(ExampleShape) || data.ClassCount > ClassCount)
            throw new LatentException($"{data.Source}: examples [{string.Join(", ", data.ExampleShape)}] with {data.ClassCount} classes do not fit this classifier ([{string.Join(", ", ExampleShape)}], {ClassCount} classes)");
        if (trueTransition.shape.Length != 2 || trueTransition.shape[0] != ClassCount)
            throw new LatentException($"the noise matrix is [{string.Join(", ", trueTransition.shape)}], the data has {ClassCount} classes");
        var train = Options.Examples is { } cap ? data.Train.Take(cap) : data.Train;
        var clean = train.RequireLabels("noisy-label training");
        using var noisy = LabelNoise.Inject(clean, trueTransition, new Generator((ulong)Options.Seed));
        using var realised = LabelNoise.Realised(clean, noisy, ClassCount);
        var experiment = new NoisyLabelExperiment(train.Features, noisy, data.Test.Features, data.Test.RequireLabels("evaluation"), trueTransition, Device);
        var trained = experiment.Train(Options.Model, Options, out var result, onProgress: progress, checkpointPath: checkpointPath, resume: resume, stop: stop, log: log);
        network.Dispose();
        network = trained;
        TrueTransition = result.TrueTransition;
        Training = Training.Finished(data.Provenance.WithExamples(train.Count));
        return result with { RealisedTransition = realised.contiguous().data<double>().ToArray() };
    }

    /// <summary>Clean-class probabilities softmax(f(x)) [N, C] for features [N, …].</summary>
    public Tensor PredictProba(Tensor features)
    {
        if (!features.shape.Skip(1).SequenceEqual(ExampleShape))
            throw new LatentException($"the classifier takes examples [{string.Join(", ", ExampleShape)}], got [{string.Join(", ", features.shape.Skip(1))}]");
        network.eval();
        using var scope = NewDisposeScope();
        using var noGrad = no_grad();
        var parts = new List<Tensor>();
        for (long start = 0; start < features.shape[0]; start += 1000)
            parts.Add(network.CleanLogProbabilities(features.narrow(0, start, Math.Min(1000, features.shape[0] - start)).to(Device)).exp());
        return (parts.Count == 0 ? zeros(0, ClassCount, device: Device) : cat(parts, 0)).MoveToOuterDisposeScope();
    }

    /// <inheritdoc />
    IModelMetrics ILatentModel<DataPart>.Evaluate(DataPart data, CancellationToken stop) => Evaluate(data, stop);

    /// <summary>
    /// Clean test metrics of <paramref name="test"/>, and max |Q − T| when the noise that trained it is known; predicted
    /// <see cref="MlpClassifier.EvaluationChunk"/> examples at a time, <paramref name="stop"/> checked before each chunk (<see cref="PhaseInterruptedException"/>).
    /// </summary>
    public NoisyMetrics Evaluate(DataPart test, CancellationToken stop = default)
    {
        using var scope = NewDisposeScope();
        var labels = test.RequireLabels("evaluation");
        var metrics = ClassificationMetrics.ComputeInChunks(PredictProba, test.Features, labels, MlpClassifier.EvaluationChunk, stop);
        double? error = TrueTransition is { } truth ? Transition().Zip(truth, (q, t) => Math.Abs(q - t)).Max() : null;
        return new NoisyMetrics(metrics, error);
    }

    /// <summary>Saves the model folder: config.json (network kind; data; options, true T and trained_on) and model.safetensors (classifier and Q).</summary>
    public override IReadOnlyList<string> Save(string directory)
    {
        var training = Training with { Extra = TrueTransition is null ? null : new JsonObject { ["true_transition"] = JsonSerializer.SerializeToNode(TrueTransition) } };
        return ModelFolder.Save(directory, new ModelConfig(Kind, FormatVersion, new JsonObject { ["network"] = Architecture }, Data, training), network.state_dict());
    }

    /// <summary>Loads a folder written by <see cref="Save"/> onto <paramref name="device"/>; a folder of another kind or version is refused in one line.</summary>
    public static NoisyClassifier Load(string directory, string device = ComputeDevice.Default) => ModelFolder.Load(directory, device, Read);

    /// <summary>Reads and checks the folder; <see cref="Load"/> puts the folder in front of any error that does not name it.</summary>
    private static NoisyClassifier Read(string directory, string device)
    {
        var config = ModelFolder.ReadConfig(directory, Kind, FormatVersion);
        var options = config.ReadOptions<NoisyTrainingOptions>(Json);
        var exampleShape = config.RequireExampleShape();
        var classNames = config.RequireClassNames();
        int classCount = classNames.Length;
        double inputs = exampleShape.Aggregate(1.0, (a, b) => a * b);
        // Lower bound on the weights: the output layer, plus the MLP's first layer or the CNN's first 5×5 convolution to 16 channels.
        ModelFolder.RequireWeightCount(directory, (double)options.HiddenUnits * classCount
            + (options.ArchitectureFor(exampleShape) == "mlp" ? inputs * options.HiddenUnits : exampleShape[0] * 16.0 * 25));
        var trueTransition = config.Training.Extra is { } facts ? ModelFolder.ReadOptional<double[]>(facts, "true_transition", config.Source) : null;
        if (trueTransition is not null && trueTransition.Length != (long)classCount * classCount)
            throw new LatentException($"{config.Source}: field 'training.true_transition' holds {trueTransition.Length} values, not {classCount}×{classCount}");
        var model = new NoisyClassifier(options with { Device = device }, exampleShape, classCount, classNames, config.CheckedStandardization())
        {
            TrueTransition = trueTransition,
            Training = config.Training with { Extra = null },
        };
        ModelFolder.LoadInto(directory, model.network);
        return model;
    }

    /// <summary>
    /// Replaces the weights (classifier and Q) by those in <paramref name="path"/>, exported from PyTorch: a safetensors file or a
    /// torch.save'd state_dict with the keys of model.safetensors (classifier.…, noise.…; see python/latent_torch.py). Names, shapes and
    /// dtypes must match exactly; a mismatch is a one-line error and leaves the weights as they were.
    /// </summary>
    public void ImportWeights(string path) => ModelFolder.ImportInto(path, network);

    /// <summary>Releases the network.</summary>
    public override void Dispose() => network.Dispose();
}
