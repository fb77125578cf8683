namespace Latent.Vae;

/// <summary>
/// A variational autoencoder on a data set of any shape: created from <see cref="VaeOptions"/> and the shape of one example
/// (vectors [D] or images [C, H, W], which the networks of <see cref="VaeOptions.Architecture"/> take as they are), then <see cref="Fit"/>,
/// <see cref="Evaluate"/>, predictions (<see cref="Encode"/>, <see cref="Reconstruct"/>, <see cref="Sample"/>) and <see cref="Save"/> / <see cref="Load"/>.
/// A conditional model (<see cref="VaeOptions.Conditional"/>) also reads each example's class and samples the class asked for.
/// Tensors go in and come out in the units of the data set it was fitted on (standardised when that was); they may come from any
/// device and come out on the model's <see cref="Device"/> (<see cref="VaeOptions.Device"/>).
/// </summary>
public sealed class VaeModel : ExampleModel, ILatentModel<DataPart>
{
    /// <summary>The model kind in config.json.</summary>
    public const string Kind = "vae";

    private const int FormatVersion = 2;

    private static readonly JsonSerializerOptions Json = new()
    {
        PropertyNamingPolicy = JsonNamingPolicy.SnakeCaseLower,
        Converters = { new JsonStringEnumConverter(JsonNamingPolicy.KebabCaseLower) },
    };

    /// <summary>
    /// Creates an untrained model for examples of shape <paramref name="exampleShape"/> on the options' device; the seed in <paramref name="options"/>
    /// fixes the initial weights. A conditional model needs the <paramref name="classNames"/> of its data (at least two).
    /// </summary>
    public VaeModel(VaeOptions options, IReadOnlyList<long> exampleShape, IReadOnlyList<string>? classNames = null)
        : base(Kind, new DataDescription(exampleShape.ToArray(), options.Conditional ? classNames?.ToArray() : null), TrainingRecord.Untrained(JsonSerializer.SerializeToNode(options, Json)!, options.Seed))
    {
        Options = options.Validate();
        if (options.Decoder is null)
            throw new LatentException("the VAE's decoder is not chosen: set VaeOptions.Decoder, or create the model with VaeModel.For(dataset, options), which picks it from the data");
        if (exampleShape.Count == 0 || exampleShape.Any(size => size < 1))
            throw new LatentException($"a VAE needs examples of a positive shape, got [{string.Join(", ", exampleShape)}]");
        if (options.Conditional && ClassCount < 2)
            throw new LatentException($"a conditional VAE needs the names of at least 2 classes, got {ClassCount}");
        InputSize = checked((int)ExampleShape.Aggregate(1L, (a, b) => a * b));
        Device = ComputeDevice.Resolve(options.Device);
        RunSeed.Apply(options.Seed);
        Network = VariationalAutoencoder.Create(options, ExampleShape, ClassCount, Device);
    }

    /// <inheritdoc />
    public override string Describe() => ToString();

    /// <summary>
    /// An untrained model for the examples of <paramref name="data"/>, its decoder chosen from the data unless <paramref name="options"/> sets one;
    /// a conditional model takes the data's classes, and data without labels is a one-line error.
    /// </summary>
    public static VaeModel For(Dataset data, VaeOptions? options = null)
    {
        var chosen = (options ?? VaeOptions.Default).ForData(data);
        if (chosen.Conditional && !data.IsLabelled)
            throw new LatentException($"{data.Source}: a conditional VAE needs labelled data (a class for every training and test example), and this data has no labels");
        return new VaeModel(chosen, data.ExampleShape, chosen.Conditional ? data.ClassNames : null);
    }

    /// <summary>Creates an untrained model for vectors of <paramref name="inputSize"/> features.</summary>
    public VaeModel(VaeOptions options, int inputSize) : this(options, [inputSize])
    {
    }

    /// <summary>The options the model was built and trained with.</summary>
    public VaeOptions Options { get; }

    /// <summary>The device the weights, the data they train on and every returned tensor live on.</summary>
    public override Device Device { get; }

    /// <summary>Number of features per example (the data dimension D the networks see).</summary>
    public int InputSize { get; }

    /// <summary>True when the examples are images [C, H, W].</summary>
    public bool IsImage => ExampleShape.Length == 3;

    /// <summary>True once the model has been fitted or loaded (a further <see cref="Fit"/> continues from its weights).</summary>
    public bool IsTrained { get; private set; }

    /// <summary>The encoder, prior and decoder on examples [N, …ExampleShape] (for analyses such as <see cref="GradientVariance"/>).</summary>
    public VariationalAutoencoder Network { get; }

    /// <summary>A short description such as "784-400-20 bernoulli, elbo".</summary>
    public override string ToString() => Options.Describe(ExampleShape, ClassCount);

    /// <summary>True when the model reads each example's class (<see cref="VaeOptions.Conditional"/>).</summary>
    public bool IsConditional => Options.Conditional;

    /// <summary>
    /// Trains on the first <see cref="VaeOptions.Examples"/> (default all) training examples of <paramref name="data"/>, recording the
    /// test −ELBO after every epoch; the model then holds the moving average of its weights when <see cref="VaeOptions.Ema"/> is on.
    /// The decoder's output bias starts at the data's statistics (<see cref="VaeOptions.DataMeanBias"/>) only on the first fit. With
    /// <see cref="VaeOptions.Patience"/> a seeded share of the training examples is held out and training stops once their −ELBO has not
    /// improved for that many epochs, keeping the best epoch's weights. <paramref name="log"/> receives TensorBoard scalars.
    /// </summary>
    public LearningCurve Fit(Dataset data, Action<TrainingProgress>? progress = null, RunLog? log = null)
    {
        if (!data.ExampleShape.SequenceEqual(ExampleShape))
            throw new LatentException($"{data.Source}: examples have shape [{string.Join(", ", data.ExampleShape)}], the model was made for [{string.Join(", ", ExampleShape)}]");
        Data = Data with { Standardization = data.Standardization };
        using var scope = NewDisposeScope();
        var examples = data.Train.Take(Options.Examples ?? data.Train.Count);
        using var split = Options.Patience is null ? null : ValidationSplit.Create(examples, Options.ValidationFraction, Options.Seed);
        var trainPart = split?.Train ?? examples;
        var train = CheckData(OnDevice(trainPart.Features), data.Source);
        var trainLabels = Labels(trainPart, data.Source);
        var (validation, validationLabels) = split is null ? (null, null) : PrepareTest(split.Validation, data.Source);
        var (test, testLabels) = PrepareTest(data.Test, data.Source);
        using var images = new BinarizedImages(train, Options.Binarization, Options.Seed);
        if (Options.DataMeanBias && !IsTrained) Network.InitializeOutputBias(train);
        using var evaluationNoise = new Generator(unchecked((ulong)Options.Seed + 101UL), Device);
        using var validationNoise = new Generator(unchecked((ulong)Options.Seed + 303UL), Device);
        var trainer = new TrainerOptions
        {
            Epochs = Options.Epochs,
            BatchSize = Options.BatchSize,
            Seed = Options.Seed,
            AverageDecay = Options.Ema > 0 ? Options.Ema : null,
            CheckpointPath = Options.CheckpointPath,
            Resume = Options.Resume,
            Stop = Options.Stop,
            Patience = Options.Patience,
        };
        var curve = VaeTraining.Fit(Network, Options.CreateObjective, images, OptimizerSettings.Adam(Options.LearningRate), trainer,
            evaluate: test.shape[0] > 0 ? () => VaeTraining.NegativeElbo(Network, test, evaluationNoise, labels: testLabels) + LogScaleSum() : null, progress: progress,
            generators: validation is null ? [evaluationNoise] : [evaluationNoise, validationNoise],
            validate: validation is null ? null : () => VaeTraining.NegativeElbo(Network, validation, validationNoise, labels: validationLabels) + LogScaleSum(), log: log,
            labels: trainLabels);
        Network.eval();
        IsTrained = true;
        Training = Training.Finished(data.Provenance.WithExamples(Math.Min(Options.Examples ?? data.Train.Count, data.Train.Count)));
        return curve;
    }

    /// <inheritdoc />
    IModelMetrics ILatentModel<DataPart>.Evaluate(DataPart data, CancellationToken stop) => Evaluate(data, stop: stop);

    /// <summary>
    /// The test −ELBO over <paramref name="test"/> and the IWAE log-likelihood estimate with <paramref name="iwaeSamples"/> importance samples
    /// (default <see cref="VaeOptions.EvalIwaeSamples"/>; 0 skips it) over the first <paramref name="iwaeExamples"/> examples (default
    /// <see cref="VaeOptions.EvalIwaeExamples"/>, else all); <paramref name="progress"/> receives the fraction of the IWAE estimate done.
    /// <paramref name="stop"/> is checked every chunk of examples or importance samples (<see cref="PhaseInterruptedException"/>).
    /// </summary>
    public VaeMetrics Evaluate(DataPart test, int? iwaeSamples = null, int? iwaeExamples = null, Action<double>? progress = null, CancellationToken stop = default)
    {
        int k = iwaeSamples ?? Options.EvalIwaeSamples;
        if (k < 0) throw new LatentException($"IWAE samples must be at least 0, got {k}");
        using var scope = NewDisposeScope();
        var (x, labels) = PrepareTest(test, "test data");
        if (x.shape[0] == 0) throw new LatentException("test data: no examples to evaluate on");
        using var generator = new Generator(unchecked((ulong)Options.Seed + 202UL), Device);
        double negativeElbo = VaeTraining.NegativeElbo(Network, x, generator, stop: stop, labels: labels) + LogScaleSum();
        int activeUnits = VaeDiagnostics.ActiveUnits(VaeTraining.PosteriorMeans(Network, x, labels: labels));
        if (k == 0) return new VaeMetrics(negativeElbo, null, x.shape[0], activeUnits, Options.KlWeight, Options.KlWarmupEpochs);
        long used = Math.Clamp(iwaeExamples ?? Options.EvalIwaeExamples ?? x.shape[0], 1, x.shape[0]);
        var iwae = VaeTraining.LogLikelihood(Network, x.narrow(0, 0, used), k, generator, done => progress?.Invoke((double)done / used), stop, labels?.narrow(0, 0, used)).Shifted(-LogScaleSum());
        return new VaeMetrics(negativeElbo, iwae, x.shape[0], activeUnits, Options.KlWeight, Options.KlWarmupEpochs);
    }

    /// <summary>The posterior means E_q[z|x] of <paramref name="features"/> [N, …] (of the classes <paramref name="labels"/> [N] for a conditional model), shape [N, Latent].</summary>
    public Tensor Encode(Tensor features, Tensor? labels = null)
    {
        using var noGrad = no_grad();
        return Network.EncodeMeans(OnDevice(features), labels);
    }

    /// <summary>The decoder mean at the encoder mean for <paramref name="features"/> [N, …] (of the classes <paramref name="labels"/> [N] for a conditional model), shaped like the input examples.</summary>
    public Tensor Reconstruct(Tensor features, Tensor? labels = null)
    {
        using var noGrad = no_grad();
        return Network.Reconstruct(OnDevice(features), labels);
    }

    /// <summary>
    /// Decoder means of <paramref name="count"/> codes drawn from the prior N(0, I) with a generator seeded by <paramref name="seed"/> (default
    /// <see cref="VaeOptions.Seed"/>), shaped [count, …], in the model's units (standardised when the data was). A conditional model decodes them
    /// for class <paramref name="classIndex"/>, or when it is null for the classes 0, 1, …, C − 1 in turn; an unconditional one takes no class.
    /// </summary>
    public Tensor Sample(long count, long? seed = null, int? classIndex = null)
    {
        if (count < 1) throw new LatentException($"sample count must be at least 1, got {count}");
        if (classIndex is not null && !IsConditional) throw new LatentException("this VAE is not conditional: it samples without a class");
        if (classIndex is < 0 || classIndex >= ClassCount) throw new LatentException($"class {classIndex} is not one of this model's classes 0 to {ClassCount - 1}");
        using var noGrad = no_grad();
        using var generator = new Generator((ulong)(seed ?? Options.Seed), Device);
        using var labels = IsConditional ? (classIndex is { } k ? full([count], (long)k, int64, Device) : arange(count, int64, Device) % ClassCount) : null;
        return Network.SamplePrior(count, generator, labels);
    }

    /// <summary>
    /// <see cref="Sample"/> in the data's own units: the standardisation the data was fitted in (if any) is undone, so the samples compare with
    /// the raw examples; [count, …ExampleShape].
    /// </summary>
    public Tensor SampleInDataUnits(long count, long? seed = null, int? classIndex = null)
    {
        using var scope = NewDisposeScope();
        var samples = Sample(count, seed, classIndex);
        return (Standardization?.Invert(samples) ?? samples).MoveToOuterDisposeScope();
    }

    /// <summary>The mean squared reconstruction error of each feature over <paramref name="part"/>, float64 [D].</summary>
    public Tensor ReconstructionErrorPerFeature(DataPart part)
    {
        using var scope = NewDisposeScope();
        using var noGrad = no_grad();
        var x = OnDevice(part.Features);
        return (Network.Reconstruct(x, Labels(part, "the data")) - x).square().to(ScalarType.Float64).reshape(x.shape[0], InputSize).mean([0L]).MoveToOuterDisposeScope();
    }

    /// <summary>
    /// Writes the model into <paramref name="directory"/> (config.json with the network architecture, latent size, hidden widths (and the
    /// conv architecture's channels), decoder and whether it is conditional; the example shape, class names of a conditional model and
    /// standardisation; the options and trained_on; model.safetensors with PyTorch-style keys such as encoder.network.layers.0.weight).
    /// </summary>
    public override IReadOnlyList<string> Save(string directory)
    {
        var architecture = new JsonObject
        {
            ["network"] = Options.Architecture,
            ["input_size"] = InputSize,
            ["latent"] = Options.Latent,
            ["hidden"] = JsonSerializer.SerializeToNode(Options.Hidden),
            ["decoder"] = VaeOptions.DecoderName(Options.Decoder),
            ["conditional"] = Options.Conditional,
        };
        if (Options.Architecture != "mlp") architecture["channels"] = JsonSerializer.SerializeToNode(Options.Channels);
        return ModelFolder.Save(directory, new ModelConfig(Kind, FormatVersion, architecture, Data, Training), Network.state_dict());
    }

    /// <summary>Reads a model written by <see cref="Save"/> onto <paramref name="device"/>; a folder of another kind, version or shape is a one-line error.</summary>
    public static VaeModel Load(string directory, string device = ComputeDevice.Default) => ModelFolder.Load(directory, device, Read);

    /// <summary>Reads and checks the folder; <see cref="Load"/> puts the folder in front of any error that does not name it.</summary>
    private static VaeModel Read(string directory, string device)
    {
        var config = ModelFolder.ReadConfig(directory, Kind, FormatVersion);
        var shape = config.RequireExampleShape();
        var options = config.ReadOptions<VaeOptions>(Json);
        var standardization = config.CheckedStandardization();
        var model = new VaeModel(options with { Device = device }, shape, config.Data.ClassNames) { IsTrained = true };
        (model.Data, model.Training) = (model.Data with { Standardization = standardization }, config.Training);
        var weights = ModelFolder.ReadWeights(directory);
        try
        {
            // Folders written before the decoder was registered once also hold it under this prefix (the same values as "decoder.").
            foreach (var name in weights.Keys.Where(name => name.StartsWith("<Decoder>k__BackingField.", StringComparison.Ordinal)).ToList())
            {
                weights[name].Dispose();
                weights.Remove(name);
            }
            ModelFolder.CopyInto(weights, model.Network.state_dict(), directory);
        }
        finally
        {
            foreach (var value in weights.Values) value.Dispose();
        }
        model.Network.eval();
        return model;
    }

    /// <summary>
    /// Replaces the weights by those in <paramref name="path"/>, exported from PyTorch: a safetensors file or a torch.save'd state_dict
    /// with the keys of model.safetensors (encoder.network.layers.0.weight …; see python/latent_torch.py). Names, shapes and dtypes must
    /// match this model's exactly; a mismatch is a one-line error and leaves the weights as they were.
    /// </summary>
    public void ImportWeights(string path)
    {
        ModelFolder.ImportInto(path, Network);
        Network.eval();
        IsTrained = true;
    }

    /// <summary>Releases the network's tensors.</summary>
    public override void Dispose() => Network.Dispose();

    /// <summary>Test features on the model's device, checked, with their labels for a conditional model; binarized once (seeded) when training binarizes.</summary>
    private (Tensor Features, Tensor? Labels) PrepareTest(DataPart test, string source)
    {
        var x = CheckData(OnDevice(test.Features), source);
        var labels = Labels(test, source);
        if (Options.Binarization == Binarization.None || x.shape[0] == 0) return (x, labels);
        using var draw = new BinarizedImages(x, Binarization.Static, Options.Seed + 1);
        return (draw.ForEpoch(0).clone(), labels);
    }

    /// <summary>The labels of <paramref name="part"/> on the model's device for a conditional model (null for an unconditional one); a one-line error naming <paramref name="source"/> when it has none.</summary>
    private Tensor? Labels(DataPart part, string source) =>
        IsConditional ? (part.Labels ?? throw new LatentException($"{source}: a conditional VAE needs a class for every example, and these examples have no labels")).to(Device) : null;

    /// <summary>Features [N, …ExampleShape] on the model's device (a view when they are there already); another shape is a one-line error.</summary>
    private Tensor OnDevice(Tensor features)
    {
        if (features.dim() != ExampleShape.Length + 1 || !features.shape.Skip(1).SequenceEqual(ExampleShape))
            throw new LatentException($"the model takes examples of shape [{string.Join(", ", ExampleShape)}], got a batch of shape [{string.Join(", ", features.shape)}]");
        return features.to(Device);
    }

    /// <summary>Refuses non-finite features, and features outside [0, 1] where the decoder or binarization needs them there.</summary>
    private Tensor CheckData(Tensor x, string source)
    {
        if (x.numel() == 0) return x;
        using var noGrad = no_grad();
        if (!x.isfinite().all().item<bool>()) throw new LatentException($"{source}: features contain NaN or infinite values");
        if (Options.Decoder != DecoderKind.Bernoulli && Options.Binarization == Binarization.None) return x;
        double low = x.min().item<float>(), high = x.max().item<float>();
        if (low < 0 || high > 1)
            throw new LatentException(Options.Decoder == DecoderKind.Bernoulli
                ? FormattableString.Invariant($"{source}: the bernoulli decoder needs features in [0, 1], these range over [{low:G4}, {high:G4}]; use a Gaussian decoder (gaussian-learned or gaussian-fixed)")
                : FormattableString.Invariant($"{source}: binarization needs features in [0, 1], these range over [{low:G4}, {high:G4}]"));
        return x;
    }

    /// <summary>Σ_d log scale_d: what standardisation adds to a log-density (0 without standardisation).</summary>
    private double LogScaleSum() => Standardization?.Scale.Sum(scale => Math.Log(scale)) ?? 0.0;
}
