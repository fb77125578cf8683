namespace Latent.Vae;

/// <summary>
/// A variational autoencoder on a data set of any shape: created from <see cref="VaeOptions"/> and the shape of one example
/// (vectors [D] or images [C, H, W], flattened), then <see cref="Fit"/>, <see cref="Evaluate"/>, predictions
/// (<see cref="Encode"/>, <see cref="Reconstruct"/>, <see cref="Sample"/>) and <see cref="Save"/> / <see cref="Load"/>.
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

    /// <summary>Creates an untrained model for examples of shape <paramref name="exampleShape"/> on the options' device; the seed in <paramref name="options"/> fixes the initial weights.</summary>
    public VaeModel(VaeOptions options, IReadOnlyList<long> exampleShape)
        : base(Kind, new DataDescription(exampleShape.ToArray()), TrainingRecord.Untrained(JsonSerializer.SerializeToNode(options, Json)!, options.Seed))
    {
        Options = options.Validate();
        if (options.Decoder is null)
            throw new LatentException("the VAE's decoder is not chosen: set VaeOptions.Decoder, or create the model with VaeModel.For(dataset, options), which picks it from the data");
        if (exampleShape.Count == 0 || exampleShape.Any(size => size < 1))
            throw new LatentException($"a VAE needs examples of a positive shape, got [{string.Join(", ", exampleShape)}]");
        InputSize = checked((int)ExampleShape.Aggregate(1L, (a, b) => a * b));
        Device = ComputeDevice.Resolve(options.Device);
        RunSeed.Apply(options.Seed);
        Network = VariationalAutoencoder.Create(options, InputSize, Device);
    }

    /// <inheritdoc />
    public override string Describe() => ToString();

    /// <summary>An untrained model for the examples of <paramref name="data"/>, its decoder chosen from the data unless <paramref name="options"/> sets one.</summary>
    public static VaeModel For(Dataset data, VaeOptions? options = null) => new((options ?? VaeOptions.Default).ForData(data), data.ExampleShape);

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

    /// <summary>The encoder, prior and decoder on flattened examples (for analyses such as <see cref="GradientVariance"/>).</summary>
    public VariationalAutoencoder Network { get; }

    /// <summary>A short description such as "784-400-20 bernoulli, elbo".</summary>
    public override string ToString() => Options.Describe(InputSize);

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
        var train = CheckData(Flatten((split?.Train ?? examples).Features), data.Source);
        var validation = split is null ? null : PrepareTest(split.Validation, data.Source);
        var test = PrepareTest(data.Test, data.Source);
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
            evaluate: test.shape[0] > 0 ? () => VaeTraining.NegativeElbo(Network, test, evaluationNoise) + LogScaleSum() : null, progress: progress,
            generators: validation is null ? [evaluationNoise] : [evaluationNoise, validationNoise],
            validate: validation is null ? null : () => VaeTraining.NegativeElbo(Network, validation, validationNoise) + LogScaleSum(), log: log);
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
        var x = PrepareTest(test, "test data");
        if (x.shape[0] == 0) throw new LatentException("test data: no examples to evaluate on");
        using var generator = new Generator(unchecked((ulong)Options.Seed + 202UL), Device);
        double negativeElbo = VaeTraining.NegativeElbo(Network, x, generator, stop: stop) + LogScaleSum();
        int activeUnits = VaeDiagnostics.ActiveUnits(VaeTraining.PosteriorMeans(Network, x));
        if (k == 0) return new VaeMetrics(negativeElbo, null, x.shape[0], activeUnits, Options.KlWeight, Options.KlWarmupEpochs);
        var subset = x.narrow(0, 0, Math.Clamp(iwaeExamples ?? Options.EvalIwaeExamples ?? x.shape[0], 1, x.shape[0]));
        var iwae = VaeTraining.LogLikelihood(Network, subset, k, generator, done => progress?.Invoke((double)done / subset.shape[0]), stop).Shifted(-LogScaleSum());
        return new VaeMetrics(negativeElbo, iwae, x.shape[0], activeUnits, Options.KlWeight, Options.KlWarmupEpochs);
    }

    /// <summary>The posterior means E_q[z|x] of <paramref name="features"/> [N, …], shape [N, Latent].</summary>
    public Tensor Encode(Tensor features)
    {
        using var noGrad = no_grad();
        return Network.EncodeMeans(Flatten(features));
    }

    /// <summary>The decoder mean at the encoder mean for <paramref name="features"/> [N, …], shaped like the input examples.</summary>
    public Tensor Reconstruct(Tensor features)
    {
        using var noGrad = no_grad();
        return Network.Reconstruct(Flatten(features)).reshape([features.shape[0], .. ExampleShape]);
    }

    /// <summary>Decoder means of <paramref name="count"/> codes drawn from the prior N(0, I) with a generator seeded by <paramref name="seed"/> (default <see cref="VaeOptions.Seed"/>), shaped [count, …].</summary>
    public Tensor Sample(long count, long? seed = null)
    {
        if (count < 1) throw new LatentException($"sample count must be at least 1, got {count}");
        using var noGrad = no_grad();
        using var generator = new Generator((ulong)(seed ?? Options.Seed), Device);
        return Network.SamplePrior(count, generator).reshape([count, .. ExampleShape]);
    }

    /// <summary>The mean squared reconstruction error of each feature over <paramref name="part"/>, float64 [D].</summary>
    public Tensor ReconstructionErrorPerFeature(DataPart part)
    {
        using var scope = NewDisposeScope();
        using var noGrad = no_grad();
        var x = Flatten(part.Features);
        return (Network.Reconstruct(x) - x).square().to(ScalarType.Float64).mean([0L]).MoveToOuterDisposeScope();
    }

    /// <summary>
    /// Writes the model into <paramref name="directory"/> (config.json with the latent size, hidden widths and decoder; the example
    /// shape and standardisation; the options and trained_on; model.safetensors with PyTorch-style keys such as encoder.network.layers.0.weight).
    /// </summary>
    public override IReadOnlyList<string> Save(string directory)
    {
        var architecture = new JsonObject
        {
            ["input_size"] = InputSize,
            ["latent"] = Options.Latent,
            ["hidden"] = JsonSerializer.SerializeToNode(Options.Hidden),
            ["decoder"] = VaeOptions.DecoderName(Options.Decoder),
        };
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
        var model = new VaeModel(options with { Device = device }, shape) { IsTrained = true };
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

    /// <summary>Test features flattened and checked; binarized once (seeded) when training binarizes.</summary>
    private Tensor PrepareTest(DataPart test, string source)
    {
        var x = CheckData(Flatten(test.Features), source);
        if (Options.Binarization == Binarization.None || x.shape[0] == 0) return x;
        using var draw = new BinarizedImages(x, Binarization.Static, Options.Seed + 1);
        return draw.ForEpoch(0).clone();
    }

    /// <summary>Features [N, …] as [N, D] on the model's device (a view when they are there already).</summary>
    private Tensor Flatten(Tensor features)
    {
        if (features.dim() < 1 || features.shape[0] > 0 && features.numel() / features.shape[0] != InputSize)
            throw new LatentException($"the model takes examples of shape [{string.Join(", ", ExampleShape)}], got a batch of shape [{string.Join(", ", features.shape)}]");
        return features.reshape(features.shape[0], InputSize).to(Device);
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
