using Latent.Gp.Kernels;
using Latent.Gp.Likelihoods;

namespace Latent.Gp;

/// <summary>
/// Every setting of a <see cref="GpRegressor"/>, with its default, in one place (the CLI reads its defaults from here). The
/// defaults follow GPflow's first notebook: exact GPR, Matérn-5/2 + White, Gaussian likelihood, hyperparameters by L-BFGS.
/// </summary>
public sealed record GpRegressorOptions
{
    /// <summary>The defaults.</summary>
    public static GpRegressorOptions Default { get; } = new();

    /// <summary>The GP models by name, as options, the CLI and config.json spell them.</summary>
    public static Registry<GpModelKind> Models { get; } = new Registry<GpModelKind>("GP model")
        .Add("gpr", "exact GP regression, log marginal likelihood (N up to a few thousand)", GpModelKind.Gpr)
        .Add("sgpr", "sparse GP regression, Titsias's collapsed bound on inducing points", GpModelKind.Sgpr)
        .Add("svgp", "stochastic variational GP on minibatches, any likelihood", GpModelKind.Svgp);

    /// <summary>L-BFGS iterations when <see cref="Iterations"/> is not given (scipy's maxiter, as GPflow's Scipy optimizer uses).</summary>
    public const int DefaultLbfgsIterations = 1000;

    /// <summary>Adam steps when <see cref="Iterations"/> is not given.</summary>
    public const int DefaultAdamIterations = 2000;

    /// <summary>L-BFGS's trial step scale when <see cref="LearningRate"/> is not given.</summary>
    public const double DefaultLbfgsLearningRate = 1.0;

    /// <summary>Adam's learning rate when <see cref="LearningRate"/> is not given.</summary>
    public const double DefaultAdamLearningRate = 0.01;

    /// <summary>The model: "gpr", "sgpr" or "svgp" (<see cref="Models"/>).</summary>
    public string Model { get; init; } = "gpr";

    /// <summary>
    /// The likelihood: a scalar one (<see cref="ScalarLikelihood.Registry"/>) for real-valued or 0/1 targets, or a multiclass link
    /// (<see cref="MulticlassLink.Registry"/>) for class labels, one latent GP per class (svgp only); gpr and sgpr need "gaussian".
    /// </summary>
    public string Likelihood { get; init; } = "gaussian";

    /// <summary>The kernel spec (<see cref="KernelSpec"/>), e.g. "matern52+white".</summary>
    public string Kernel { get; init; } = "matern52+white";

    /// <summary>One lengthscale per input feature (automatic relevance determination) instead of one shared lengthscale.</summary>
    public bool Ard { get; init; }

    /// <summary>Inducing inputs of sgpr and svgp: "kmeans:M", "every:K" or "first:M" (M capped at N).</summary>
    public string Inducing { get; init; } = "kmeans:100";

    /// <summary>Let the optimizer move the inducing inputs (sgpr and svgp).</summary>
    public bool TrainInducing { get; init; } = true;

    /// <summary>The optimizer: "lbfgs" or "adam" (null: L-BFGS for gpr and sgpr, Adam for svgp).</summary>
    public string? Optimizer { get; init; }

    /// <summary>L-BFGS iterations or Adam steps (null: <see cref="DefaultLbfgsIterations"/> or <see cref="DefaultAdamIterations"/>).</summary>
    public int? Iterations { get; init; }

    /// <summary>L-BFGS's trial step scale or Adam's learning rate (null: <see cref="DefaultLbfgsLearningRate"/> or <see cref="DefaultAdamLearningRate"/>).</summary>
    public double? LearningRate { get; init; }

    /// <summary>Minibatch size of svgp (capped at N).</summary>
    public int BatchSize { get; init; } = 256;

    /// <summary>Seed of the inducing-point choice and the minibatch order.</summary>
    public long Seed { get; init; }

    /// <summary>The device the model computes on (see <see cref="ComputeDevice"/>); not part of the saved model.</summary>
    [JsonIgnore]
    public string Device { get; init; } = ComputeDevice.Default;

    /// <summary>Every likelihood name <see cref="Likelihood"/> accepts: the scalar likelihoods, then the multiclass links.</summary>
    public static IReadOnlyList<string> LikelihoodNames => [.. ScalarLikelihood.Registry.Names, .. MulticlassLink.Registry.Names];

    /// <summary>Monte Carlo samples per expectation of the softmax link.</summary>
    public const int SoftmaxSamples = 20;

    /// <summary>Whether <see cref="Likelihood"/> is a multiclass link, so the model classifies labelled data.</summary>
    [JsonIgnore]
    public bool IsMulticlass => MulticlassLink.Registry.Contains(Likelihood);

    /// <summary>The model kind named by <see cref="Model"/>.</summary>
    [JsonIgnore]
    public GpModelKind ModelKind => Models[Model];

    /// <summary>The optimizer actually used.</summary>
    [JsonIgnore]
    public OptimizerKind OptimizerKind => Optimizer is { } name ? OptimizerSettings.Registry[name] : ModelKind == GpModelKind.Svgp ? OptimizerKind.Adam : OptimizerKind.Lbfgs;

    /// <summary>The iterations (L-BFGS) or steps (any other optimizer) actually run.</summary>
    [JsonIgnore]
    public int IterationCount => Iterations ?? (OptimizerKind == OptimizerKind.Lbfgs ? DefaultLbfgsIterations : DefaultAdamIterations);

    /// <summary>The learning rate actually used.</summary>
    [JsonIgnore]
    public double Rate => LearningRate ?? (OptimizerKind == OptimizerKind.Lbfgs ? DefaultLbfgsLearningRate : DefaultAdamLearningRate);

    /// <summary>Checks every value; a bad one is a one-line <see cref="LatentException"/>.</summary>
    public GpRegressorOptions Validate()
    {
        Models.Require(Model);
        if (!LikelihoodNames.Contains(Likelihood)) throw new LatentException($"unknown likelihood '{Likelihood}'; choose one of {string.Join(", ", LikelihoodNames)}");
        if (ModelKind != GpModelKind.Svgp && Likelihood != "gaussian")
            throw new LatentException($"GP: {Model} needs the gaussian likelihood; use --model svgp for the {Likelihood} likelihood");
        if (Optimizer is not null && OptimizerSettings.Registry.Require(Optimizer) is var name && OptimizerKind is not (OptimizerKind.Lbfgs or OptimizerKind.Adam))
            throw new LatentException($"GP: optimizer '{name}' is not offered; use lbfgs or adam");
        if (ModelKind == GpModelKind.Svgp && OptimizerKind == OptimizerKind.Lbfgs)
            throw new LatentException("GP: svgp trains on minibatches, which L-BFGS cannot use; use --optimizer adam");
        if (Iterations is < 1) throw new LatentException($"GP: iterations must be ≥ 1, got {Iterations}");
        if (LearningRate is { } rate && !(rate > 0 && double.IsFinite(rate))) throw new LatentException($"GP: learning rate must be positive, got {rate}");
        if (BatchSize < 1) throw new LatentException($"GP: batch size must be ≥ 1, got {BatchSize}");
        InducingSpec.Parse(Inducing);
        KernelSpec.Parse(Kernel, 1, false).Dispose();
        ComputeDevice.Validate(Device);
        return this;
    }
}
