using System.Text.Json;
using System.Text.Json.Nodes;
using Latent.Data;
using Latent.Gp.Kernels;
using Latent.Gp.Likelihoods;
using Latent.Gp.Models;
using Latent.IO;
using Latent.Training;
using static TorchSharp.torch;

namespace Latent.Gp;

/// <summary>
/// A multiclass sparse variational GP classifier on any data set (GPflow's SVGP with a MultiClass likelihood): C latent GPs
/// sharing one kernel over the flattened features [N, D]. Create it from options, <see cref="Fit"/> it, then
/// <see cref="Evaluate"/>, predict, <see cref="Save"/> and <see cref="Load"/>. The GP algebra runs in float64, or float32 when the
/// options ask for it; predictions are returned in float64 either way, on the model's <see cref="Device"/>.
/// </summary>
public sealed class SvgpClassifier : IDisposable
{
    /// <summary>The model kind written to config.json.</summary>
    public const string Kind = "svgp";

    private const int FormatVersion = 1;
    private const int MedianSampleSize = 500;
    private static readonly JsonSerializerOptions Json = new() { PropertyNamingPolicy = JsonNamingPolicy.SnakeCaseLower };

    private readonly Generator generator;
    private Svgp? model;

    /// <summary>Creates an unfitted classifier (defaults when <paramref name="options"/> is null) on the options' device; bad options are refused here.</summary>
    public SvgpClassifier(SvgpClassifierOptions? options = null)
    {
        Options = options ?? SvgpClassifierOptions.Default;
        Options.Validate();
        Device = ComputeDevice.Resolve(Options.Device);
        generator = new Generator((ulong)Options.Seed, Device);
    }

    /// <summary>The device the model, its inputs and its predictions live on (<see cref="SvgpClassifierOptions.Device"/>).</summary>
    public Device Device { get; }

    /// <summary>The options this classifier was created (or continued) with.</summary>
    public SvgpClassifierOptions Options { get; private set; }

    /// <summary>The underlying SVGP (kernel, likelihood, q(u), Z); throws before <see cref="Fit"/>.</summary>
    public Svgp Model => model ?? throw new LatentException("SVGP classifier: not fitted yet (call Fit or Load)");

    /// <summary>The shape of one example the model reads ([D] or [C, H, W]).</summary>
    public long[] ExampleShape { get; private set; } = [];

    /// <summary>The number of input features D (the product of <see cref="ExampleShape"/>).</summary>
    public int FeatureCount => (int)ExampleShape.Aggregate(1L, (a, b) => a * b);

    /// <summary>The number of classes C (= latent GPs).</summary>
    public int ClassCount { get; private set; }

    /// <summary>The class names of the training data.</summary>
    public IReadOnlyList<string> ClassNames { get; private set; } = [];

    /// <summary>The standardisation the training features had (saved with the model), or null.</summary>
    public Standardization? Standardization { get; private set; }

    /// <summary>Optimisation steps taken so far, over every Fit (and the runs of a loaded model).</summary>
    public long StepsTaken { get; private set; }

    /// <summary>The kernel lengthscale the fit started at: the median pairwise distance of (up to 500) training inputs.</summary>
    public double InitialLengthscale { get; private set; } = double.NaN;

    /// <summary>
    /// Fits the classifier to <paramref name="data"/>'s training part (labels required, any feature shape and class count ≥ 2):
    /// a first call picks Z and the initial lengthscale and builds the model; later calls keep training it. Returns the
    /// minibatch ELBO per training example of every step taken; <paramref name="progress"/> receives each step (loss = −ELBO/N).
    /// With <paramref name="checkpointPath"/> a checkpoint is written every <see cref="SvgpClassifierOptions.CheckpointEvery"/> steps, at
    /// the end and when <paramref name="stop"/> interrupts the fit (<see cref="TrainingInterruptedException"/>); <paramref name="resume"/>
    /// continues from it to the same model as an uninterrupted fit.
    /// </summary>
    public IReadOnlyList<double> Fit(Dataset data, Action<TrainingProgress>? progress = null, string? checkpointPath = null, bool resume = false, CancellationToken stop = default)
    {
        using var labels = data.Train.RequireLabels("the SVGP classifier").to(Device);
        if (data.ClassCount < 2) throw new LatentException($"{data.Source}: the SVGP classifier needs at least two classes, the data has {data.ClassCount}");
        using var x = Inputs(data.Train.Features, data.Source, fitting: model is null);
        var n = x.shape[0];
        if (model is null)
        {
            (ExampleShape, ClassCount, ClassNames, Standardization) = (data.ExampleShape, data.ClassCount, data.ClassNames, data.Standardization);
            InitialLengthscale = MedianDistance(x);
            using var z = InducingSpec.Parse(Options.Inducing).Choose(x, generator);
            model = Build(z, n, InitialLengthscale);
        }
        else if (data.ClassCount != ClassCount || n != model.DataCount)
            throw new LatentException($"{data.Source}: this model was trained on {model.DataCount} examples of {ClassCount} classes, the data has {n} of {data.ClassCount}");
        var batch = Math.Min(Options.BatchSize, n);
        var epochs = (int)Math.Ceiling((double)Options.Iterations * batch / n);
        var elbos = SvgpTraining.Train(model, x, labels, Options.Iterations, Options.BatchSize, Options.LearningRate, generator,
            (step, elbo) => progress?.Invoke(new TrainingProgress((int)((long)step * batch / n) + 1, epochs, step + 1, Options.Iterations, -elbo / n)),
            Options.TimeLimit, Options.FinalLearningRate, Options.NaturalGradientStep, checkpointPath, resume, Options.CheckpointEvery, stop);
        StepsTaken += elbos.Count;
        return elbos.Select(e => e / n).ToArray();
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
        if (!fullCovariance) return;
        if (!Model.QDiagonal) throw new LatentException("SVGP classifier: q(u) already has a full covariance");
        model = Model.WithFullCovariance();
        Options = Options with { QDiagonal = false };
    }

    /// <summary>Accuracy, mean NLPD and calibration of predict_y on <paramref name="test"/> (features preprocessed as the training data were).</summary>
    public ClassificationMetrics Evaluate(DataPart test)
    {
        using var scope = NewDisposeScope();
        var labels = test.RequireLabels("SVGP evaluation").to(Device);
        var (mean, variance) = PredictF(test.Features);
        using var noGrad = no_grad();
        var probabilities = Model.Likelihood.PredictMeanAndVariance(mean, variance).Mean;
        var logDensity = Model.Likelihood.PredictLogDensity(mean, variance, labels);
        return ClassificationMetrics.Compute(probabilities, labels, logDensity);
    }

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

    /// <summary>Raw features of a data part brought into the model's input space (its saved standardisation applied, if any).</summary>
    public DataPart Preprocessed(DataPart raw) => raw.StandardizedBy(Standardization);

    /// <summary>Writes the model folder: config.json (kind "svgp", options, shapes, class names, standardisation, steps) and model.safetensors.</summary>
    public void Save(string directory)
    {
        var fitted = Model;
        var config = new JsonObject
        {
            ["options"] = JsonSerializer.SerializeToNode(Options, Json),
            ["example_shape"] = JsonSerializer.SerializeToNode(ExampleShape),
            ["feature_count"] = FeatureCount,
            ["class_count"] = ClassCount,
            ["class_names"] = JsonSerializer.SerializeToNode(ClassNames),
            ["train_count"] = fitted.DataCount,
            ["inducing_count"] = fitted.InducingCount,
            ["steps_taken"] = StepsTaken,
            ["initial_lengthscale"] = InitialLengthscale,
            ["standardization"] = Standardization is { } s ? new JsonObject { ["mean"] = JsonSerializer.SerializeToNode(s.Mean), ["scale"] = JsonSerializer.SerializeToNode(s.Scale) } : null,
        };
        ModelFolder.Save(directory, Kind, FormatVersion, config, fitted.state_dict());
    }

    /// <summary>Loads a model folder written by <see cref="Save"/> onto <paramref name="device"/>; a folder of another kind or version is refused in one line.</summary>
    public static SvgpClassifier Load(string directory, string device = ComputeDevice.Default) => ModelFolder.Load(directory, device, Read);

    /// <summary>Reads and checks the folder; <see cref="Load"/> puts the folder in front of any error that does not name it.</summary>
    private static SvgpClassifier Read(string directory, string device)
    {
        var config = ModelFolder.ReadConfig(directory, Kind, FormatVersion);
        var source = Path.Combine(directory, ModelFolder.ConfigFile);
        SvgpClassifierOptions options;
        try
        {
            options = config["options"].Deserialize<SvgpClassifierOptions>(Json) ?? throw new LatentException($"{source}: field 'options' is missing");
        }
        catch (JsonException e)
        {
            throw new LatentException($"{source}: field 'options' is not valid ({e.Message.Split('\n')[0]})", e);
        }
        var classifier = new SvgpClassifier(options with { Device = device })
        {
            ExampleShape = ModelFolder.Read<long[]>(config, "example_shape", source),
            ClassCount = ModelFolder.Read<int>(config, "class_count", source),
            ClassNames = ModelFolder.Read<string[]>(config, "class_names", source),
            StepsTaken = ModelFolder.Read<long>(config, "steps_taken", source),
            InitialLengthscale = ModelFolder.Read<double>(config, "initial_lengthscale", source),
            Standardization = config["standardization"] is JsonObject s
                ? new Standardization(ModelFolder.Read<float[]>(s, "mean", source), ModelFolder.Read<float[]>(s, "scale", source)) : null,
        };
        if (classifier.ClassCount < 2 || classifier.FeatureCount < 1) throw new LatentException($"{source}: needs at least two classes and one feature");
        long inducing = ModelFolder.Read<long>(config, "inducing_count", source);
        double m = inducing, c = classifier.ClassCount;
        ModelFolder.RequireWeightCount(directory, m * classifier.FeatureCount + m * c + (options.QDiagonal ? m * c : m * m * c));
        using var placeholder = zeros(inducing, classifier.FeatureCount, dtype: float64, device: classifier.Device);
        classifier.model = classifier.Build(placeholder, ModelFolder.Read<long>(config, "train_count", source), 1.0);
        ModelFolder.LoadInto(directory, classifier.model);
        return classifier;
    }

    /// <summary>Releases the model and the generator.</summary>
    public void Dispose()
    {
        model?.Dispose();
        generator.Dispose();
    }

    private Svgp Build(Tensor inducing, long dataCount, double lengthscale)
    {
        var dtype = Options.Dtype == "float32" ? float32 : float64;
        var kernel = KernelSpec.Parse(Options.Kernel, FeatureCount, Options.Ard, Options.InitialKernelVariance, lengthscale);
        MulticlassLink link = Options.Likelihood == "softmax" ? new Softmax(Options.SoftmaxSamples, generator) : new RobustMax();
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

    /// <summary>The median pairwise Euclidean distance of up to 500 random rows (1 when all of them coincide).</summary>
    private double MedianDistance(Tensor x)
    {
        using var scope = NewDisposeScope();
        var rows = randperm(x.shape[0], generator: generator, device: x.device).narrow(0, 0, Math.Min(MedianSampleSize, x.shape[0]));
        var sample = x.index_select(0, rows).to(float64);
        var distances = cdist(sample, sample).flatten();
        var positive = distances.masked_select(distances > 0);
        return positive.numel() == 0 ? 1.0 : positive.median().item<double>();
    }
}
