namespace Latent.Gp;

/// <summary>
/// Every setting of an <see cref="SvgpClassifier"/>, with its default, in one place (the CLI reads its defaults from here).
/// The defaults follow GPflow's SVGP: a whitened q(u) with a full covariance, shared Matérn-5/2 + White kernel, RobustMax.
/// </summary>
public sealed record SvgpClassifierOptions
{
    /// <summary>The defaults.</summary>
    public static SvgpClassifierOptions Default { get; } = new();

    /// <summary>Kernel spec: names joined by + and * (see <see cref="Kernels.KernelSpec"/>), e.g. "matern52+white".</summary>
    public string Kernel { get; init; } = "matern52+white";

    /// <summary>One lengthscale per input feature (automatic relevance determination) instead of one shared lengthscale.</summary>
    public bool Ard { get; init; }

    /// <summary>Inducing inputs: "every:K" (rows 0, K, 2K, … of the training inputs, GPflow's X[::K]), "kmeans:M" or "first:M" (M capped at N).</summary>
    public string Inducing { get; init; } = "kmeans:100";

    /// <summary>Whitened parameterisation u = Lv of q(u) (GPflow's whiten=True).</summary>
    public bool Whiten { get; init; } = true;

    /// <summary>Diagonal covariance for q(u) (GPflow's q_diag; false = a full lower-triangular factor per latent GP).</summary>
    public bool QDiagonal { get; init; }

    /// <summary>The multiclass inverse link: "robustmax" or "softmax" (Monte Carlo).</summary>
    public string Likelihood { get; init; } = "robustmax";

    /// <summary>Monte Carlo samples per expectation of the softmax likelihood.</summary>
    public int SoftmaxSamples { get; init; } = 20;

    /// <summary>Optimisation steps.</summary>
    public int Iterations { get; init; } = 2000;

    /// <summary>Minibatch size (capped at the training-set size).</summary>
    public int BatchSize { get; init; } = 200;

    /// <summary>Adam learning rate.</summary>
    public double LearningRate { get; init; } = 0.01;

    /// <summary>When set, the learning rate is cosine-annealed from <see cref="LearningRate"/> to this value by the last step.</summary>
    public double? FinalLearningRate { get; init; }

    /// <summary>When set, q(u) takes natural-gradient steps of this size in (0, 1] and Adam trains the kernel, likelihood and Z.</summary>
    public double? NaturalGradientStep { get; init; }

    /// <summary>With a checkpoint file, write it every this many steps (and at the end, and on interruption).</summary>
    public int CheckpointEvery { get; init; } = 200;

    /// <summary>Stop training after the first step that ends past this wall time (null: no limit).</summary>
    public TimeSpan? TimeLimit { get; init; }

    /// <summary>The kernel variance the stationary kernels start at (their lengthscale starts at the median pairwise distance).</summary>
    public double InitialKernelVariance { get; init; } = 5.0;

    /// <summary>Deskew every single-channel image before the GP sees it (training, evaluation and prediction alike); images only.</summary>
    public bool Deskew { get; init; }

    /// <summary>The floating-point type of the GP arithmetic: "float64", or "float32" (about twice as fast; Kmm gets a larger jitter).</summary>
    public string Dtype { get; init; } = "float64";

    /// <summary>Seed of inducing-point choice, minibatch order and Monte Carlo draws.</summary>
    public long Seed { get; init; }

    /// <summary>The device the model computes on: "cpu", "cuda" or "cuda:N" (see <see cref="ComputeDevice"/>); not part of the saved model.</summary>
    [JsonIgnore]
    public string Device { get; init; } = ComputeDevice.Default;

    /// <summary>The optimisation settings <see cref="SvgpTraining"/> runs with: iterations, batch size, learning rates and natural-gradient step.</summary>
    [JsonIgnore]
    public SvgpTrainingSettings TrainingSettings => new(Iterations, BatchSize, LearningRate) { FinalLearningRate = FinalLearningRate, NaturalGradientStep = NaturalGradientStep };

    /// <summary>Checks every value; a bad one is a one-line <see cref="LatentException"/>.</summary>
    public void Validate()
    {
        TrainingSettings.Validate();
        if (CheckpointEvery < 1) throw new LatentException($"SVGP: the checkpoint interval must be ≥ 1 step, got {CheckpointEvery}");
        if (TimeLimit is { } limit && limit <= TimeSpan.Zero) throw new LatentException($"SVGP: the time limit must be positive, got {limit}");
        if (!(InitialKernelVariance > 0)) throw new LatentException($"SVGP: initial kernel variance must be positive, got {InitialKernelVariance}");
        if (SoftmaxSamples < 1) throw new LatentException($"SVGP: softmax samples must be ≥ 1, got {SoftmaxSamples}");
        Likelihoods.MulticlassLink.Registry.Require(Likelihood);
        if (Dtype is not ("float64" or "float32")) throw new LatentException($"SVGP: unknown floating-point type '{Dtype}'; use float64 or float32");
        InducingSpec.Parse(Inducing);
        ComputeDevice.Validate(Device);
    }
}

/// <summary>A parsed inducing-input spec: how to pick the initial Z from the training inputs.</summary>
public readonly record struct InducingSpec(string Method, int Value)
{
    /// <summary>Parses "every:K", "kmeans:M" or "first:M" (K, M ≥ 1); anything else is a one-line error.</summary>
    public static InducingSpec Parse(string spec) =>
        TryParse(spec, out var parsed) ? parsed : throw new LatentException($"inducing spec '{spec}': expected every:K, kmeans:M or first:M with a positive whole number");

    /// <summary>Parses "every:K", "kmeans:M" or "first:M" (K, M ≥ 1); false for anything else.</summary>
    public static bool TryParse(string? spec, out InducingSpec parsed)
    {
        var parts = (spec ?? "").Split(':');
        var valid = parts.Length == 2 && parts[0] is "every" or "kmeans" or "first"
            && int.TryParse(parts[1], System.Globalization.NumberStyles.None, System.Globalization.CultureInfo.InvariantCulture, out var value) && value >= 1;
        parsed = valid ? new InducingSpec(parts[0], int.Parse(parts[1], System.Globalization.CultureInfo.InvariantCulture)) : default;
        return valid;
    }

    /// <summary>
    /// The initial inducing inputs [M, D] (float64) chosen from the training inputs <paramref name="x"/> [N, D]; <paramref name="stop"/>
    /// interrupts k-means between iterations.
    /// </summary>
    public Tensor Choose(Tensor x, Generator generator, CancellationToken stop = default) => Method switch
    {
        "every" => InducingPoints.EveryKth(x, Math.Min(Value, (int)x.shape[0])),
        "kmeans" => InducingPoints.KMeans(x, Math.Min(Value, (int)x.shape[0]), generator, stop: stop),
        _ => x.narrow(0, 0, Math.Min(Value, x.shape[0])).to(float64),
    };

    /// <summary>A phrase for reports, e.g. "every 5th training example".</summary>
    public string Describe() => Method switch
    {
        "every" => Value == 1 ? "every training example" : $"every {Value}-th training example",
        "kmeans" => $"{Value} k-means centres of the training examples (at most N)",
        _ => $"the first {Value} training examples",
    };
}
