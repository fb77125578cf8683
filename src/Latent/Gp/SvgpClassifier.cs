using Latent.Gp.Kernels;
using Latent.Gp.Likelihoods;
using Latent.Gp.Models;

namespace Latent.Gp;

/// <summary>
/// A multiclass sparse variational GP classifier on any data set (GPflow's SVGP with a MultiClass likelihood): C latent GPs
/// sharing one kernel over the flattened features [N, D]. Create it from options, <see cref="Fit"/> it, then
/// <see cref="Evaluate"/>, predict, <see cref="Save"/> and <see cref="Load"/>. The GP algebra runs in float64, or float32 when the
/// options ask for it; predictions are returned in float64 either way, on the model's <see cref="Device"/>.
/// </summary>
public sealed class SvgpClassifier : ExampleModel, ILatentModel<DataPart>
{
    /// <summary>The model kind written to config.json.</summary>
    public const string Kind = "svgp";

    private const int FormatVersion = ConstrainedParameter.FirstExpStorageVersion;
    private const int MedianSampleSize = 500;
    private static readonly JsonSerializerOptions Json = new() { PropertyNamingPolicy = JsonNamingPolicy.SnakeCaseLower };

    private readonly Generator generator;
    private Svgp? model;

    /// <summary>Creates an unfitted classifier (defaults when <paramref name="options"/> is null) on the options' device; bad options are refused here.</summary>
    public SvgpClassifier(SvgpClassifierOptions? options = null)
        : base(Kind, new DataDescription(), TrainingRecord.Untrained(JsonSerializer.SerializeToNode(options ?? SvgpClassifierOptions.Default, Json)!, (options ?? SvgpClassifierOptions.Default).Seed))
    {
        Options = options ?? SvgpClassifierOptions.Default;
        Options.Validate();
        Device = ComputeDevice.Resolve(Options.Device);
        generator = new Generator((ulong)Options.Seed, Device);
    }

    /// <summary>The device the model, its inputs and its predictions live on (<see cref="SvgpClassifierOptions.Device"/>).</summary>
    public override Device Device { get; }

    /// <summary>The options this classifier was created (or continued) with.</summary>
    public SvgpClassifierOptions Options { get; private set; }

    /// <summary>The underlying SVGP (kernel, likelihood, q(u), Z); throws before <see cref="Fit"/>.</summary>
    public Svgp Model => model ?? throw new LatentException("SVGP classifier: not fitted yet (call Fit or Load)");

    /// <summary>Optimisation steps taken so far, over every Fit (and the runs of a loaded model).</summary>
    public long StepsTaken { get; private set; }

    /// <summary>The kernel lengthscale the fit started at: the median pairwise distance of (up to 500) training inputs.</summary>
    public double InitialLengthscale { get; private set; } = double.NaN;

    /// <inheritdoc />
    public override string Describe() =>
        $"SVGP {Options.Kernel}{(Options.Ard ? " (ARD)" : "")}, {Options.Likelihood}, {(model is null ? Options.Inducing : $"{model.InducingCount} inducing points")}, " +
        $"{(Options.Whiten ? "whitened" : "unwhitened")} {(Options.QDiagonal ? "diagonal" : "full")} q(u), {Options.Dtype}";

    /// <summary>
    /// Fits the classifier to <paramref name="data"/>'s training part (labels required, any feature shape and class count ≥ 2) through
    /// the <see cref="Trainer"/> (<see cref="SvgpTraining"/>): a first call picks Z and the initial lengthscale and builds the model; later
    /// calls keep training it. Returns the minibatch ELBO per training example of every step taken; <paramref name="progress"/> receives
    /// each step (loss = −ELBO/N).
    /// With <paramref name="checkpointPath"/> a checkpoint is written every <see cref="SvgpClassifierOptions.CheckpointEvery"/> steps, at
    /// the end and when <paramref name="stop"/> interrupts the fit (<see cref="TrainingInterruptedException"/>); <paramref name="resume"/>
    /// continues from it to the same model as an uninterrupted fit. Before the first step <paramref name="stop"/> also interrupts the
    /// k-means initialisation of the inducing inputs (<see cref="PhaseInterruptedException"/>). <paramref name="log"/> receives the loss
    /// −ELBO/N and the learning rate every <see cref="RunLog.EverySteps"/> steps.
    /// </summary>
    public IReadOnlyList<double> Fit(Dataset data, Action<TrainingProgress>? progress = null, string? checkpointPath = null, bool resume = false, CancellationToken stop = default, RunLog? log = null)
    {
        using var labels = data.Train.RequireLabels("the SVGP classifier").to(Device);
        if (data.ClassCount < 2) throw new LatentException($"{data.Source}: the SVGP classifier needs at least two classes, the data has {data.ClassCount}");
        using var x = Inputs(data.Train.Features, data.Source, fitting: model is null);
        var n = x.shape[0];
        if (model is null)
        {
            Data = DataDescription.Of(data, classes: true);
            InitialLengthscale = MedianDistance(x, generator);
            using var z = InducingSpec.Parse(Options.Inducing).Choose(x, generator, stop);
            model = Build(z, n, InitialLengthscale);
        }
        else if (data.ClassCount != ClassCount || n != model.DataCount)
            throw new LatentException($"{data.Source}: this model was trained on {model.DataCount} examples of {ClassCount} classes, the data has {n} of {data.ClassCount}");
        var run = new TrainerOptions
        {
            // A continued fit (after ContinueWith) draws batch orders of its own instead of repeating the first fit's.
            Seed = Options.Seed + StepsTaken, CheckpointPath = checkpointPath, Resume = resume, Stop = stop, TimeLimit = Options.TimeLimit,
            CheckpointEverySteps = Options.CheckpointEvery,
        };
        var curve = SvgpTraining.Train(model, x, labels, Options.TrainingSettings, run, progress, log, [generator]);
        var elbos = curve.Steps.Select(point => -point.Value).ToArray();
        StepsTaken += elbos.Length;
        Training = Training.Finished(data.Provenance.WithExamples(n));
        return elbos;
    }

    /// <summary>
    /// Keeps training a fitted (or loaded) model with the training settings of <paramref name="training"/> (iterations, batch size,
    /// learning rates, natural-gradient step, time limit); the model's structure stays. With <paramref name="fullCovariance"/>
    /// a diagonal q(u) becomes the starting point of a full one.
    /// </summary>
    public void ContinueWith(SvgpClassifierOptions training, bool fullCovariance = false)
    {
        training.Validate();
        Options = Options with
        {
            Iterations = training.Iterations, BatchSize = training.BatchSize, LearningRate = training.LearningRate, FinalLearningRate = training.FinalLearningRate,
            NaturalGradientStep = training.NaturalGradientStep, TimeLimit = training.TimeLimit, CheckpointEvery = training.CheckpointEvery,
        };
        Training = Training with { Options = JsonSerializer.SerializeToNode(Options, Json)! };
        if (!fullCovariance) return;
        if (!Model.QDiagonal) throw new LatentException("SVGP classifier: q(u) already has a full covariance");
        model = Model.WithFullCovariance();
        Options = Options with { QDiagonal = false };
        Training = Training with { Options = JsonSerializer.SerializeToNode(Options, Json)! };
    }

    /// <inheritdoc />
    IModelMetrics ILatentModel<DataPart>.Evaluate(DataPart data, CancellationToken stop) => Evaluate(data, stop);

    /// <summary>
    /// Accuracy, mean NLPD and calibration of predict_y on <paramref name="test"/> (features preprocessed as the training data were),
    /// predicted <see cref="EvaluationChunk"/> examples at a time; <paramref name="stop"/> is checked before each chunk (<see cref="PhaseInterruptedException"/>).
    /// </summary>
    public ClassificationMetrics Evaluate(DataPart test, CancellationToken stop = default)
    {
        using var scope = NewDisposeScope();
        var labels = test.RequireLabels("SVGP evaluation").to(Device);
        if (test.Count == 0) throw new LatentException("SVGP evaluation: the test data has no examples");
        var (probabilities, logDensities) = (new List<Tensor>(), new List<Tensor>());
        for (long start = 0; start < test.Count; start += EvaluationChunk)
        {
            PhaseInterruptedException.ThrowIf(stop, "the test evaluation");
            long rows = Math.Min(EvaluationChunk, test.Count - start);
            var (mean, variance) = PredictF(test.Features.narrow(0, start, rows));
            using var noGrad = no_grad();
            probabilities.Add(Model.Likelihood.PredictMeanAndVariance(mean, variance).Mean);
            logDensities.Add(Model.Likelihood.PredictLogDensity(mean, variance, labels.narrow(0, start, rows)));
        }
        return ClassificationMetrics.Compute(cat(probabilities, 0), labels, cat(logDensities, 0));
    }

    /// <summary>Test examples predicted at once by <see cref="Evaluate(DataPart, CancellationToken)"/>: memory stays bounded and Ctrl-C is noticed between chunks.</summary>
    public const int EvaluationChunk = 512;

    /// <summary>predict_y: class probabilities [N, C] (exact expectations of the link under q(f)) and their indicator variances p(1 − p).</summary>
    public (Tensor Mean, Tensor Variance) PredictY(Tensor features)
    {
        var (mean, variance) = PredictF(features);
        using var noGrad = no_grad();
        return Model.Likelihood.PredictMeanAndVariance(mean, variance);
    }

    /// <summary>The latent predictive marginals q(f*): mean and variance [N, C] (float64) for features [N, …].</summary>
    public (Tensor Mean, Tensor Variance) PredictF(Tensor features)
    {
        var fitted = Model;
        using var x = Inputs(features, "prediction inputs", fitting: false);
        using var converted = x.to(fitted.Dtype);
        var (mean, variance) = fitted.PredictF(converted);
        if (fitted.Dtype == float64) return (mean, variance);
        using (mean)
        using (variance) return (mean.to(float64), variance.to(float64));
    }

    /// <summary>Samples of the latent functions [count, N, C] (float64), drawn from the marginals of q(f*).</summary>
    public Tensor PredictFSamples(Tensor features, int count, Generator? sampler = null)
    {
        var fitted = Model;
        using var x = Inputs(features, "prediction inputs", fitting: false);
        using var converted = x.to(fitted.Dtype);
        var samples = fitted.PredictFSamples(converted, count, sampler ?? generator, fullCov: false);
        if (fitted.Dtype == float64) return samples;
        using (samples) return samples.to(float64);
    }

    /// <summary>Latent values or samples [..., C] pushed through the inverse link: the class probabilities each one alone implies.</summary>
    public Tensor LinkProbabilities(Tensor latent)
    {
        using var noGrad = no_grad();
        return Model.Likelihood.forward(latent);
    }

    /// <summary>Writes the model folder: config.json (kernel, likelihood, sizes; data; options, steps taken and trained_on) and model.safetensors.</summary>
    public override IReadOnlyList<string> Save(string directory)
    {
        var fitted = Model;
        var architecture = new JsonObject
        {
            ["kernel"] = Options.Kernel, ["likelihood"] = Options.Likelihood, ["feature_count"] = FeatureCount,
            ["train_count"] = fitted.DataCount, ["inducing_count"] = fitted.InducingCount,
        };
        var training = Training with { Extra = new JsonObject { ["steps_taken"] = StepsTaken, ["initial_lengthscale"] = InitialLengthscale } };
        return ModelFolder.Save(directory, new ModelConfig(Kind, FormatVersion, architecture, Data, training), fitted.state_dict());
    }

    /// <summary>Loads a model folder written by <see cref="Save"/> onto <paramref name="device"/>; a folder of another kind or version is refused in one line.</summary>
    public static SvgpClassifier Load(string directory, string device = ComputeDevice.Default) => ModelFolder.Load(directory, device, Read);

    /// <summary>Reads and checks the folder; <see cref="Load"/> puts the folder in front of any error that does not name it.</summary>
    private static SvgpClassifier Read(string directory, string device)
    {
        var config = ModelFolder.ReadConfig(directory, Kind, FormatVersion);
        var options = config.ReadOptions<SvgpClassifierOptions>(Json);
        var shape = config.RequireExampleShape();
        var classes = config.RequireClassNames();
        var classifier = new SvgpClassifier(options with { Device = device })
        {
            Data = config.Data with { ExampleShape = shape, ClassNames = classes, Standardization = config.CheckedStandardization() },
            StepsTaken = config.TrainingFact<long>("steps_taken"),
            InitialLengthscale = config.TrainingFact<double>("initial_lengthscale"),
        };
        classifier.Training = config.Training with { Extra = null };
        long inducing = config.Architectural<long>("inducing_count");
        double m = inducing, c = classifier.ClassCount;
        ModelFolder.RequireWeightCount(directory, m * classifier.FeatureCount + m * c + (options.QDiagonal ? m * c : m * m * c));
        using var placeholder = zeros(inducing, classifier.FeatureCount, dtype: float64, device: classifier.Device);
        classifier.model = classifier.Build(placeholder, config.Architectural<long>("train_count"), 1.0);
        ModelFolder.LoadInto(directory, classifier.model);
        ConstrainedParameter.ConvertSoftplusStorage(classifier.model, config.StoredVersion);
        return classifier;
    }

    /// <summary>Releases the model and the generator.</summary>
    public override void Dispose()
    {
        model?.Dispose();
        generator.Dispose();
    }

    private Svgp Build(Tensor inducing, long dataCount, double lengthscale)
    {
        var dtype = Options.Dtype == "float32" ? float32 : float64;
        var kernel = KernelSpec.Parse(Options.Kernel, FeatureCount, Options.Ard, Options.InitialKernelVariance, lengthscale);
        var link = MulticlassLink.Registry[Options.Likelihood](Options.SoftmaxSamples, generator);
        return new Svgp(kernel, new MultiClass(ClassCount, link), inducing, ClassCount, dataCount,
            new SvgpOptions { Whiten = Options.Whiten, QDiagonal = Options.QDiagonal, Dtype = dtype, Jitter = SvgpOptions.JitterFor(dtype) });
    }

    /// <summary>Features [N, …] as float32 [N, D] on the model's device, deskewed when the options ask for it; checks the shape against the model's.</summary>
    private Tensor Inputs(Tensor features, string source, bool fitting)
    {
        var shape = features.shape.Skip(1).ToArray();
        if (!fitting && !shape.SequenceEqual(ExampleShape))
            throw new LatentException($"{source}: examples of shape [{string.Join(", ", shape)}], the model reads [{string.Join(", ", ExampleShape)}]");
        var flat = features.reshape(features.shape[0], -1).to(float32, Device);
        if (!Options.Deskew) return flat;
        if (shape is not [1, var rows, var columns]) throw new LatentException($"{source}: deskewing needs single-channel images [1, H, W], got examples of shape [{string.Join(", ", shape)}]");
        using (flat) return Deskew.Images(flat, (int)rows, (int)columns);
    }

    /// <summary>The median pairwise Euclidean distance of up to 500 random rows drawn by <paramref name="generator"/> (1 when all of them coincide): the kernels' initial lengthscale.</summary>
    internal static double MedianDistance(Tensor x, Generator generator)
    {
        using var scope = NewDisposeScope();
        var rows = randperm(x.shape[0], generator: generator, device: x.device).narrow(0, 0, Math.Min(MedianSampleSize, x.shape[0]));
        var sample = x.index_select(0, rows).to(float64);
        var distances = cdist(sample, sample).flatten();
        var positive = distances.masked_select(distances > 0);
        return positive.numel() == 0 ? 1.0 : positive.median().item<double>();
    }
}
