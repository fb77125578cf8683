namespace Latent.Nn;

/// <summary>
/// A multilayer-perceptron classifier on features of any shape (flattened) and any number of classes, trained by cross-entropy through
/// <see cref="Trainer"/> (checkpoints and resume), evaluated by accuracy, NLPD and ECE, saved as a model folder. It computes on
/// <see cref="MlpClassifierOptions.Device"/>: features from any device are brought there, and predictions come back there.
/// </summary>
public sealed class MlpClassifier : ExampleModel, ILatentModel<DataPart>, IClassifier
{
    /// <summary>The model kind written to config.json.</summary>
    public const string Kind = "mlp-classifier";

    private const int FormatVersion = 2;
    private static readonly JsonSerializerOptions Json = new() { Converters = { new JsonStringEnumConverter() } };
    private readonly Mlp network;

    /// <summary>An untrained classifier for examples of <paramref name="exampleShape"/> and <paramref name="classCount"/> ≥ 2 classes, on the options' device.</summary>
    public MlpClassifier(MlpClassifierOptions options, IReadOnlyList<long> exampleShape, int classCount, IReadOnlyList<string>? classNames = null, Standardization? standardization = null)
        : base(Kind, DataDescription.ForClassifier(exampleShape, classCount, classNames, standardization), TrainingRecord.Untrained(JsonSerializer.SerializeToNode(options, Json)!, options.Seed))
    {
        if (classCount < 2) throw new LatentException($"a classifier needs at least 2 classes, got {classCount}");
        Options = options;
        Device = ComputeDevice.Resolve(options.Device);
        RunSeed.Apply(options.Seed);
        network = new Mlp([(int)ExampleShape.Aggregate(1L, (a, b) => a * b), .. options.Hidden, classCount], device: Device);
    }

    /// <summary>An untrained classifier shaped for <paramref name="data"/> (example shape, classes, class names, standardisation).</summary>
    public static MlpClassifier For(Dataset data, MlpClassifierOptions? options = null) =>
        new(options ?? MlpClassifierOptions.Default, data.ExampleShape, data.ClassCount, data.ClassNames, data.Standardization);

    /// <summary>The options it was created with.</summary>
    public MlpClassifierOptions Options { get; }

    /// <summary>The device the weights and every returned tensor live on.</summary>
    public override Device Device { get; }

    /// <summary>The network: Linear layers from the flattened input to the C logits.</summary>
    public Mlp Network => network;

    /// <summary>Layer widths, input first, e.g. "784-256-128-10".</summary>
    public override string Describe() => string.Join("-", network.Widths);

    /// <summary>
    /// Trains on the training part of <paramref name="data"/> (test accuracy recorded after every epoch); with a
    /// <paramref name="checkpointPath"/> a checkpoint is written after every epoch, and <paramref name="resume"/> continues from it.
    /// With <see cref="MlpClassifierOptions.Patience"/> a seeded share of the training examples is held out and training stops once
    /// their loss has not improved for that many epochs, keeping the best epoch's weights. Labels outside 0..C−1 are refused before
    /// training starts. <paramref name="stop"/> interrupts it after a step (see <see cref="TrainerOptions.Stop"/>); <paramref name="log"/> receives TensorBoard scalars.
    /// </summary>
    public LearningCurve Fit(Dataset data, Action<TrainingProgress>? progress = null, string? checkpointPath = null, bool resume = false, CancellationToken stop = default, RunLog? log = null)
    {
        var examples = Options.Examples is { } cap ? data.Train.Take(cap) : data.Train;
        using var split = Options.Patience is null ? null : ValidationSplit.Create(examples, Options.ValidationFraction, Options.Seed);
        var train = split?.Train ?? examples;
        using var labels = CheckLabels(train, data.Source, "training").to(Device);
        using var testLabels = CheckLabels(data.Test, data.Source, "test").to(Device);
        using var features = Inputs(train.Features);
        using var testFeatures = Inputs(data.Test.Features);
        using var validationFeatures = split is null ? null : Inputs(split.Validation.Features);
        using var validationLabels = split is null ? null : CheckLabels(split.Validation, data.Source, "training").to(Device);
        var trainer = new Trainer(network, new OptimizerSettings(Options.Optimizer, Options.LearningRate), new TrainerOptions
        {
            Epochs = Options.Epochs, BatchSize = Options.BatchSize, Seed = Options.Seed, CheckpointPath = checkpointPath, Resume = resume, Stop = stop, Patience = Options.Patience,
        })
        {
            Evaluate = () => network.forward(testFeatures).argmax(1).eq(testLabels).to(ScalarType.Float64).mean().item<double>(),
            EvaluationName = "test accuracy",
            Validate = validationFeatures is null ? null : () => nn.functional.cross_entropy(network.forward(validationFeatures), validationLabels!).item<float>(),
            ValidationName = "loss",
            Progress = progress,
            Log = log,
        };
        var curve = trainer.Fit(train.Count, batch => nn.functional.cross_entropy(network.forward(features.index_select(0, batch)), labels.index_select(0, batch)));
        Training = Training.Finished(data.Provenance.WithExamples(examples.Count));
        return curve;
    }

    /// <summary>Class probabilities [N, C] for features [N, …].</summary>
    public Tensor PredictProba(Tensor features)
    {
        network.eval();
        using var scope = NewDisposeScope();
        using var noGrad = no_grad();
        return network.forward(Inputs(features)).softmax(1).MoveToOuterDisposeScope();
    }

    /// <inheritdoc />
    IModelMetrics ILatentModel<DataPart>.Evaluate(DataPart data, CancellationToken stop) => Evaluate(data, stop);

    /// <summary>
    /// Accuracy, NLPD and ECE on <paramref name="test"/>, predicted <see cref="EvaluationChunk"/> examples at a time; <paramref name="stop"/>
    /// is checked before each chunk (<see cref="PhaseInterruptedException"/>).
    /// </summary>
    public ClassificationMetrics Evaluate(DataPart test, CancellationToken stop = default)
    {
        using var scope = NewDisposeScope();
        var labels = CheckLabels(test, "test data", "test");
        return ClassificationMetrics.ComputeInChunks(PredictProba, test.Features, labels, EvaluationChunk, stop);
    }

    /// <summary>Test examples predicted at once by <see cref="Evaluate(DataPart, CancellationToken)"/>, between two checks for Ctrl-C.</summary>
    public const int EvaluationChunk = 1024;

    /// <summary>Saves the model folder: config.json (layer widths; data; options and trained_on) and model.safetensors.</summary>
    public override IReadOnlyList<string> Save(string directory) =>
        ModelFolder.Save(directory, new ModelConfig(Kind, FormatVersion, new JsonObject { ["network"] = Describe() }, Data, Training), network.state_dict());

    /// <summary>Loads a folder written by <see cref="Save"/> onto <paramref name="device"/>; a folder of another kind or version is refused in one line.</summary>
    public static MlpClassifier Load(string directory, string device = ComputeDevice.Default) => ModelFolder.Load(directory, device, Read);

    /// <summary>Reads and checks the folder; <see cref="Load"/> puts the folder in front of any error that does not name it.</summary>
    private static MlpClassifier Read(string directory, string device)
    {
        var config = ModelFolder.ReadConfig(directory, Kind, FormatVersion);
        var options = config.ReadOptions<MlpClassifierOptions>(Json);
        var exampleShape = config.RequireExampleShape();
        var classNames = config.RequireClassNames();
        double inputs = exampleShape.Aggregate(1.0, (a, b) => a * b);
        var hidden = options.Hidden ?? throw new LatentException($"{config.Source}: field 'training.options' lists no hidden sizes");
        var widths = hidden.Select(h => (double)h).Prepend(inputs).Append(classNames.Length).ToArray();
        ModelFolder.RequireWeightCount(directory, widths.Zip(widths.Skip(1), (a, b) => a * b).Sum());
        var model = new MlpClassifier(options with { Device = device }, exampleShape, classNames.Length, classNames, config.CheckedStandardization())
        {
            Training = config.Training,
        };
        ModelFolder.LoadInto(directory, model.network);
        return model;
    }

    /// <summary>
    /// Replaces the weights by those in <paramref name="path"/>, exported from PyTorch: a safetensors file or a torch.save'd state_dict
    /// with the keys of model.safetensors (layers.0.weight …; see python/latent_torch.py). Names, shapes and dtypes must match exactly;
    /// a mismatch is a one-line error and leaves the weights as they were.
    /// </summary>
    public void ImportWeights(string path) => ModelFolder.ImportInto(path, network);

    /// <summary>Releases the network.</summary>
    public override void Dispose() => network.Dispose();

    /// <summary>Features [N, …] checked against the example shape and flattened to [N, D] on the model's device.</summary>
    private Tensor Inputs(Tensor features)
    {
        if (!features.shape.Skip(1).SequenceEqual(ExampleShape))
            throw new LatentException($"the classifier takes examples [{string.Join(", ", ExampleShape)}], got [{string.Join(", ", features.shape.Skip(1))}]");
        return features.reshape(features.shape[0], -1).to(Device);
    }

    private Tensor CheckLabels(DataPart part, string source, string name)
    {
        var labels = part.RequireLabels("a classifier");
        if (labels.numel() == 0) return labels;
        long low = labels.min().item<long>(), high = labels.max().item<long>();
        if (low < 0 || high >= ClassCount)
            throw new LatentException($"{source}: {name} label {(low < 0 ? low : high)} is outside 0..{ClassCount - 1} for a {ClassCount}-class classifier");
        return labels;
    }
}
