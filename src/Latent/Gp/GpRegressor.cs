using System.Globalization;
using System.Text;
using Latent.Gp.Kernels;
using Latent.Gp.Likelihoods;
using Latent.Gp.Models;

namespace Latent.Gp;

/// <summary>
/// GP regression on any data set with real-valued targets [N, L] (GPflow's GPR, SGPR and SVGP with a scalar likelihood): L
/// outputs sharing one kernel over the flattened features. Create it from options, <see cref="Fit"/> it through the one
/// <see cref="Trainer"/>, then <see cref="Evaluate"/>, <see cref="PredictY"/>, <see cref="Save"/> and <see cref="Load"/>. Real-valued
/// targets are fitted in their standardised units when the data carries a target standardisation, and predictions are returned in
/// the data's own units. With a multiclass likelihood (robustmax, softmax) the svgp model classifies labelled data instead, one latent
/// GP per class, and predicts class probabilities. The GP algebra runs in float64.
/// </summary>
public sealed class GpRegressor : ExampleModel, ILatentModel<DataPart>
{
    /// <summary>The model kind written to config.json.</summary>
    public const string Kind = "gp";

    private const int FormatVersion = ConstrainedParameter.FirstExpStorageVersion;
    private static readonly JsonSerializerOptions Json = new() { PropertyNamingPolicy = JsonNamingPolicy.SnakeCaseLower };

    private readonly Generator generator;
    private GpModel? model;
    private Likelihood? likelihood;

    /// <summary>Creates an unfitted regressor (defaults when <paramref name="options"/> is null); bad options are refused here.</summary>
    public GpRegressor(GpRegressorOptions? options = null)
        : base(Kind, new DataDescription(), TrainingRecord.Untrained(JsonSerializer.SerializeToNode(options ?? GpRegressorOptions.Default, Json)!, (options ?? GpRegressorOptions.Default).Seed))
    {
        Options = (options ?? GpRegressorOptions.Default).Validate();
        Device = ComputeDevice.Resolve(Options.Device);
        generator = new Generator((ulong)Options.Seed, Device);
    }

    /// <summary>The device the model computes on.</summary>
    public override Device Device { get; }

    /// <summary>The options this regressor was created with.</summary>
    public GpRegressorOptions Options { get; }

    /// <summary>The underlying GP model (Gpr, Sgpr or Svgp); throws before <see cref="Fit"/>.</summary>
    public GpModel Model => model ?? throw new LatentException("GP: not fitted yet (call Fit or Load)");

    /// <summary>The number of outputs: target columns L, or the class count C of a multiclass model.</summary>
    public int OutputCount => Options.IsMulticlass ? ClassCount : Data.TargetCount;

    /// <summary>Optimizer steps taken by the last fit (each L-BFGS step runs up to 20 iterations).</summary>
    public long StepsTaken { get; private set; }

    /// <summary>The kernel lengthscale the fit started at: the median pairwise distance of (up to 500) training inputs.</summary>
    public double InitialLengthscale { get; private set; } = double.NaN;

    /// <inheritdoc />
    public override string Describe() =>
        $"{Options.Model.ToUpperInvariant()} {Options.Kernel}{(Options.Ard ? " (ARD)" : "")}, {Options.Likelihood}" +
        (Options.ModelKind == GpModelKind.Gpr ? "" : $", {(model is Sgpr s ? s.InducingCount : model is Svgp v ? v.InducingCount : 0)} inducing points");

    /// <summary>
    /// Fits the model to <paramref name="data"/>'s training part (real-valued targets required) through the <see cref="Trainer"/>:
    /// gpr and sgpr minimise the whole-data loss (−log marginal likelihood or −bound per point), svgp the minibatch −ELBO per point.
    /// <paramref name="progress"/> receives every step; a checkpoint at <paramref name="checkpointPath"/> lets <paramref name="resume"/>
    /// continue a run that <paramref name="stop"/> interrupted; <paramref name="log"/> receives TensorBoard scalars. Returns the learning curve.
    /// </summary>
    public LearningCurve Fit(Dataset data, Action<TrainingProgress>? progress = null, string? checkpointPath = null, bool resume = false, CancellationToken stop = default,
        RunLog? log = null)
    {
        if (model is not null) throw new LatentException("GP: this regressor is already fitted; create a new one");
        var (x, y, scale, description) = TrainingTensors(data);
        using var inputs = x;
        using var owned = y;
        Data = description;
        var n = x.shape[0];
        if (Options.ModelKind == GpModelKind.Gpr) CheckExactFits(n, data.Source);
        InitialLengthscale = SvgpClassifier.MedianDistance(x, generator);
        model = Build(x, y, scale);
        var run = new TrainerOptions { Seed = Options.Seed, CheckpointPath = checkpointPath, Resume = resume, Stop = stop };
        var curve = model is Svgp svgp
            ? SvgpTraining.Train(svgp, x, y, new SvgpTrainingSettings(Options.IterationCount, Options.BatchSize, Options.Rate), run, progress, log, [generator])
            : new Trainer(model, new OptimizerSettings(Options.OptimizerKind, Options.Rate), WholeData(run, n)) { Progress = progress, Log = log }
                .Fit(n, _ => WholeDataLoss(model));
        StepsTaken = curve.Steps.Count;
        Training = Training.Finished(data.Provenance.WithExamples(n));
        return curve;
    }

    /// <summary>
    /// The training objective per training point after <see cref="Fit"/>: −log p(y) for gpr, minus the collapsed bound for sgpr, and minus
    /// the ELBO over the whole training part of <paramref name="data"/> (no minibatch, targets prepared as for training) for svgp.
    /// </summary>
    public double TrainingLossPerPoint(Dataset data)
    {
        using var noGrad = no_grad();
        if (Model is not Svgp svgp)
        {
            using var loss = WholeDataLoss(Model);
            return loss.item<double>();
        }
        var (x, y, _, _) = TrainingTensors(data);
        using var inputs = x;
        using var targets = y;
        using var elbo = svgp.Elbo(inputs, targets);
        return -elbo.item<double>() / inputs.shape[0];
    }

    /// <summary>
    /// The training part of <paramref name="data"/> as the model trains on it: inputs [N, D] (float64, on the model's device), the targets or
    /// labels with their scale (<see cref="Targets"/>, <see cref="Labels"/>), and the description of the data the model is then fitted to.
    /// </summary>
    private (Tensor X, Tensor Y, double Scale, DataDescription Description) TrainingTensors(Dataset data)
    {
        var (y, scale, description) = Options.IsMulticlass ? (Labels(data), 1.0, DataDescription.Of(data, classes: true)) : Targets(data);
        using var flat = data.Train.Flat();
        return (flat.to(float64, Device), y, scale, description);
    }

    /// <summary>The whole-data training loss per point of a model that holds its training data (gpr, sgpr).</summary>
    private static Tensor WholeDataLoss(GpModel model) => model is Gpr gpr ? gpr.TrainingLoss() : ((Sgpr)model).TrainingLoss();

    /// <summary>
    /// The training targets [N, L] (float64, standardised when the data carries a target standardisation and the likelihood observes real
    /// values), checked by the likelihood, their mean variance: the scale the kernel and noise start at (1 for counts and 0/1 targets),
    /// and the data's description with the target standardisation the model is fitted in.
    /// </summary>
    private (Tensor Y, double Scale, DataDescription Description) Targets(Dataset data)
    {
        var raw = data.Train.RequireTargets($"{data.Source}: GP regression");
        using var probe = ScalarLikelihood.Registry[Options.Likelihood](1.0);
        var standardization = probe.ObservesRealValues ? data.TargetStandardization : null;
        var y = (standardization?.Apply(raw) ?? raw.to(float64)).to(Device);
        LatentException.Naming(data.Source, () =>
        {
            probe.CheckTargets(y);
            return 0;
        });
        var scale = probe.ObservesRealValues ? y.var(0, unbiased: false).mean().ToDouble() : 1.0;
        return (y, scale > 1e-12 ? scale : 1.0, DataDescription.Of(data, classes: false) with { TargetStandardization = standardization });
    }

    /// <summary>The class labels [N] of a multiclass model's training data (at least two classes).</summary>
    private Tensor Labels(Dataset data)
    {
        var labels = data.Train.RequireLabels($"GP classification with the {Options.Likelihood} likelihood").to(Device);
        if (data.ClassCount < 2) throw new LatentException($"{data.Source}: GP classification needs at least two classes, the data has {data.ClassCount}");
        return labels;
    }

    /// <summary>The trainer's settings for gpr and sgpr: one whole-data batch per step (L-BFGS runs 20 iterations a step).</summary>
    private TrainerOptions WholeData(TrainerOptions run, long n)
    {
        var iterations = Options.IterationCount;
        var steps = Options.OptimizerKind == OptimizerKind.Lbfgs ? (iterations + OptimizerSettings.LbfgsIterationsPerStep - 1) / OptimizerSettings.LbfgsIterationsPerStep : iterations;
        return run with { Epochs = steps, BatchSize = (int)n, Shuffle = false };
    }

    /// <summary>
    /// The peak resident memory of exact GPR training in N × N float64 matrices: `latent gp train --model gpr --ard` on 1,000 and on
    /// 2,000 points × 10 features peaked at 1.5 and 5.4 GB, about 160 such matrices above the process's start (the kernel's and the
    /// Cholesky factor's autograd graphs, their gradients, and the freed blocks malloc keeps for reuse).
    /// </summary>
    public const double ExactPeakMatrices = 160;

    /// <summary>The peak memory exact GPR training needs on <paramref name="n"/> training points (<see cref="ExactPeakMatrices"/> N × N float64 matrices).</summary>
    public static double ExactMemoryBytes(long n) => ExactPeakMatrices * sizeof(double) * n * n;

    /// <summary>The memory this process may use for exact GPR: 80% of what the runtime reports available.</summary>
    public static double ExactMemoryLimitBytes() => 0.8 * GC.GetGCMemoryInfo().TotalAvailableMemoryBytes;

    /// <summary>The largest number of training points exact GPR accepts here (<see cref="ExactMemoryBytes"/> within <see cref="ExactMemoryLimitBytes"/>).</summary>
    public static long LargestExactCount() => (long)Math.Floor(Math.Sqrt(ExactMemoryLimitBytes() / (ExactPeakMatrices * sizeof(double))));

    /// <summary>Refuses exact GPR on more points than memory holds (<see cref="ExactMemoryBytes"/>), suggesting sgpr.</summary>
    private static void CheckExactFits(long n, string source)
    {
        var needed = ExactMemoryBytes(n);
        var available = (double)GC.GetGCMemoryInfo().TotalAvailableMemoryBytes;
        if (needed > ExactMemoryLimitBytes())
            throw new LatentException($"{source}: exact GPR on {n} points needs about {needed / (1 << 30):F1} GiB at its peak, more than the {available / (1 << 30):F1} GiB available; use --model sgpr");
    }

    /// <summary>Builds the model: kernel from the spec (lengthscale at <see cref="InitialLengthscale"/>, variance at the targets' variance, White at 1% of it), noise at 10%.</summary>
    private GpModel Build(Tensor x, Tensor y, double scale)
    {
        var kernel = KernelSpec.Parse(Options.Kernel, (int)x.shape[1], Options.Ard, scale, InitialLengthscale, 0.01 * scale);
        var noise = 0.1 * scale;
        GpModel built = Options.ModelKind switch
        {
            GpModelKind.Gpr => new Gpr(kernel, x, y, noise),
            GpModelKind.Sgpr => new Sgpr(kernel, x, y, InducingInputs(x), noise, Options.TrainInducing),
            _ => new Svgp(kernel, CreateLikelihood(Options, noise, OutputCount, generator), InducingInputs(x), OutputCount, x.shape[0],
                new SvgpOptions { TrainInducingInputs = Options.TrainInducing }),
        };
        likelihood = built.Likelihood;
        return built;
    }

    /// <summary>The svgp likelihood the options name: a scalar one starting at <paramref name="noise"/>, or a multiclass link over <paramref name="outputs"/> classes.</summary>
    private static Likelihood CreateLikelihood(GpRegressorOptions options, double noise, int outputs, Generator generator) =>
        options.IsMulticlass ? new MultiClass(outputs, MulticlassLink.Registry[options.Likelihood](GpRegressorOptions.SoftmaxSamples, generator))
            : ScalarLikelihood.Registry[options.Likelihood](noise);

    private Tensor InducingInputs(Tensor x)
    {
        using var chosen = InducingSpec.Parse(Options.Inducing).Choose(x, generator);
        return chosen.to(Device);
    }

    /// <summary>The held-out figures; a GP's evaluation is one prediction, quick beside its fit, so <paramref name="stop"/> is not polled.</summary>
    IModelMetrics ILatentModel<DataPart>.Evaluate(DataPart data, CancellationToken stop) => Evaluate(data);

    /// <summary>
    /// The metrics of the predictions on <paramref name="test"/> (features preprocessed as the training data were):
    /// <see cref="RegressionMetrics"/> for real-valued or 0/1 targets, <see cref="ClassificationMetrics"/> for a multiclass model.
    /// </summary>
    public IModelMetrics Evaluate(DataPart test) => Options.IsMulticlass ? EvaluateClasses(test) : EvaluateTargets(test);

    /// <summary>Accuracy, NLPD and calibration of the class probabilities on <paramref name="test"/>'s labels.</summary>
    private ClassificationMetrics EvaluateClasses(DataPart test)
    {
        using var scope = NewDisposeScope();
        var labels = test.RequireLabels("GP evaluation").to(Device);
        if (labels.shape[0] == 0) throw new LatentException("GP evaluation: no test points");
        var (fMean, fVariance) = PredictF(test.Features);
        using var noGrad = no_grad();
        var (probabilities, _) = likelihood!.PredictMeanAndVariance(fMean, fVariance);
        return ClassificationMetrics.Compute(probabilities, labels, likelihood.PredictLogDensity(fMean, fVariance, labels));
    }

    /// <summary>RMSE, MAE, NLPD and 95% coverage in the data's own units; for 0/1 targets also the accuracy.</summary>
    private RegressionMetrics EvaluateTargets(DataPart test)
    {
        using var scope = NewDisposeScope();
        var raw = test.RequireTargets("GP evaluation").to(float64, Device);
        if (raw.shape[1] != OutputCount) throw new LatentException($"GP evaluation: the data has {raw.shape[1]} target columns, the model predicts {OutputCount}");
        if (raw.shape[0] == 0) throw new LatentException("GP evaluation: no test points");
        var (fMean, fVariance) = PredictF(test.Features);
        using var noGrad = no_grad();
        var fitted = likelihood!;
        var standardization = Data.TargetStandardization;
        var y = standardization?.Apply(raw) ?? raw;
        var logDensity = fitted.PredictLogDensity(fMean, fVariance, y) + (standardization?.LogJacobian ?? 0.0);
        var (mean, variance) = PredictY(test.Features);
        var error = mean - raw;
        var inside = error.abs() <= 1.96 * variance.sqrt();
        double? accuracy = fitted is Bernoulli ? (mean.gt(0.5).to(float64) == raw).to(float64).mean().ToDouble() : null;
        return new RegressionMetrics(raw.shape[0], error.square().mean().sqrt().ToDouble(), error.abs().mean().ToDouble(), -logDensity.mean().ToDouble(),
            inside.to(float64).mean().ToDouble(), accuracy);
    }

    /// <summary>predict_y: the predictive mean and variance of y [N, L] (float64, the data's units; probabilities for Bernoulli) at preprocessed features [N, …].</summary>
    public (Tensor Mean, Tensor Variance) PredictY(Tensor features)
    {
        using var scope = NewDisposeScope();
        var (fMean, fVariance) = PredictF(features);
        using var noGrad = no_grad();
        var (mean, variance) = likelihood!.PredictMeanAndVariance(fMean, fVariance);
        if (Data.TargetStandardization is { } standardization)
            (mean, variance) = (standardization.InvertMean(mean), standardization.InvertVariance(variance));
        return (mean.MoveToOuterDisposeScope(), variance.MoveToOuterDisposeScope());
    }

    /// <summary>The latent predictive marginals q(f*) [N, L] (float64, standardised units) at preprocessed features [N, …].</summary>
    public (Tensor Mean, Tensor Variance) PredictF(Tensor features)
    {
        var fitted = Model;
        var shape = features.shape.Skip(1).ToArray();
        if (!shape.SequenceEqual(ExampleShape))
            throw new LatentException($"GP prediction: examples of shape [{string.Join(", ", shape)}], the model reads [{string.Join(", ", ExampleShape)}]");
        using var x = features.reshape(features.shape[0], -1).to(float64, Device);
        return fitted.PredictF(x);
    }

    /// <summary>The fitted parameters as GPflow's print_summary lists them.</summary>
    public GpParameterSummary Summary() => GpParameterSummary.Of(Model);

    /// <summary>
    /// Writes predictions at preprocessed <paramref name="features"/> as CSV to <paramref name="path"/>: one row per input with the
    /// predictive mean (the probability of 1 for Bernoulli) and variance of every output (columns mean, variance for one output;
    /// NAME_mean, NAME_variance for several), or, for a multiclass model, the probability of every class (probability_CLASS).
    /// </summary>
    public string WritePredictions(string path, Tensor features)
    {
        var (mean, variance) = PredictY(features);
        using (mean)
        using (variance)
        {
            var means = mean.cpu().contiguous().data<double>().ToArray();
            var variances = variance.cpu().contiguous().data<double>().ToArray();
            var columns = Options.IsMulticlass ? ClassNames.Select(name => $"probability_{name}").ToArray()
                : OutputCount == 1 ? [likelihood is Bernoulli ? "probability" : "mean", "variance"]
                : (Data.TargetNames ?? []).SelectMany(name => new[] { $"{name}_{(likelihood is Bernoulli ? "probability" : "mean")}", $"{name}_variance" }).ToArray();
            var text = new StringBuilder().AppendLine(string.Join(",", columns));
            for (var i = 0; i < mean.shape[0]; i++)
            {
                var row = Enumerable.Range(i * OutputCount, OutputCount);
                var values = Options.IsMulticlass ? row.Select(j => means[j]) : row.SelectMany(j => new[] { means[j], variances[j] });
                text.AppendLine(string.Join(",", values.Select(v => v.ToString("R", CultureInfo.InvariantCulture))));
            }
            AtomicFile.WriteText(path, text.ToString());
            return path;
        }
    }

    /// <summary>Writes the model folder: config.json (model, likelihood, kernel, sizes; data with target names and standardisation; options) and model.safetensors.</summary>
    public override IReadOnlyList<string> Save(string directory)
    {
        var fitted = Model;
        var architecture = new JsonObject
        {
            ["model"] = Options.Model, ["likelihood"] = Options.Likelihood, ["kernel"] = Options.Kernel, ["feature_count"] = FeatureCount, ["output_count"] = OutputCount,
            ["train_count"] = fitted switch { Gpr g => g.DataCount, Sgpr s => s.DataCount, Svgp v => v.DataCount, _ => 0 },
            ["inducing_count"] = fitted switch { Sgpr s => s.InducingCount, Svgp v => v.InducingCount, _ => 0 },
        };
        var training = Training with { Extra = new JsonObject { ["steps_taken"] = StepsTaken, ["initial_lengthscale"] = InitialLengthscale } };
        return ModelFolder.Save(directory, new ModelConfig(Kind, FormatVersion, architecture, Data, training), fitted.state_dict());
    }

    /// <summary>Loads a model folder written by <see cref="Save"/> onto <paramref name="device"/>; a folder of another kind or version is refused in one line.</summary>
    public static GpRegressor Load(string directory, string device = ComputeDevice.Default) => ModelFolder.Load(directory, device, Read);

    private static GpRegressor Read(string directory, string device)
    {
        var config = ModelFolder.ReadConfig(directory, Kind, FormatVersion);
        var options = config.ReadOptions<GpRegressorOptions>(Json);
        var shape = config.RequireExampleShape();
        var names = options.IsMulticlass ? config.RequireClassNames() : config.RequireTargetNames();
        var regressor = new GpRegressor(options with { Device = device })
        {
            Data = options.IsMulticlass
                ? config.Data with { ExampleShape = shape, ClassNames = names, Standardization = config.CheckedStandardization() }
                : config.Data with { ExampleShape = shape, TargetNames = names, Standardization = config.CheckedStandardization(), TargetStandardization = config.CheckedTargetStandardization() },
            StepsTaken = config.TrainingFact<long>("steps_taken"),
            InitialLengthscale = config.TrainingFact<double>("initial_lengthscale"),
        };
        regressor.Training = config.Training with { Extra = null };
        var n = config.Architectural<long>("train_count");
        var m = config.Architectural<long>("inducing_count");
        if (n < 1 || m < 0 || options.ModelKind != GpModelKind.Gpr && m < 1) throw new LatentException($"{config.Source}: train_count {n} and inducing_count {m} do not describe a {options.Model} model");
        using var x = zeros(options.ModelKind == GpModelKind.Svgp ? 1 : n, regressor.FeatureCount, dtype: float64, device: regressor.Device);
        using var y = zeros(x.shape[0], names.Length, dtype: float64, device: regressor.Device);
        var kernel = KernelSpec.Parse(options.Kernel, regressor.FeatureCount, options.Ard);
        using var z = zeros(Math.Max(m, 1), regressor.FeatureCount, dtype: float64, device: regressor.Device);
        regressor.model = options.ModelKind switch
        {
            GpModelKind.Gpr => new Gpr(kernel, x, y),
            GpModelKind.Sgpr => new Sgpr(kernel, x, y, z, trainInducingInputs: options.TrainInducing),
            _ => new Svgp(kernel, CreateLikelihood(options, 1.0, names.Length, regressor.generator), z, names.Length, n, new SvgpOptions { TrainInducingInputs = options.TrainInducing }),
        };
        regressor.likelihood = regressor.model.Likelihood;
        ModelFolder.LoadInto(directory, regressor.model);
        ConstrainedParameter.ConvertSoftplusStorage(regressor.model, config.StoredVersion);
        return regressor;
    }

    /// <summary>Releases the model and the generator.</summary>
    public override void Dispose()
    {
        model?.Dispose();
        generator.Dispose();
    }
}
