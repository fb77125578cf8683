namespace Latent.Cli.Tour;

/// <summary>What the SVGP classifier runs with: the model structure, the training budget and the data subset.</summary>
public sealed record SvgpSettings
{
    /// <summary>Kernel spec, e.g. "matern52+white" (see Latent.Gp.Kernels.KernelSpec).</summary>
    public string Kernel { get; init; } = "matern52+white";

    /// <summary>One lengthscale per pixel (ARD) instead of one shared lengthscale.</summary>
    public bool Ard { get; init; } = true;

    /// <summary>Inducing inputs: "N" (k-means centres) or "every:K" (every K-th training image, the seed's x[::5]).</summary>
    public string Inducing { get; init; } = "every:50";

    /// <summary>Whitened parameterisation of q(u).</summary>
    public bool Whiten { get; init; } = true;

    /// <summary>Diagonal q(u) covariance.</summary>
    public bool QDiagonal { get; init; } = true;

    /// <summary>"robustmax" or "softmax".</summary>
    public string Likelihood { get; init; } = "robustmax";

    /// <summary>Minibatch size.</summary>
    public int BatchSize { get; init; } = 200;

    /// <summary>Adam steps.</summary>
    public int Iterations { get; init; } = 800;

    /// <summary>Adam learning rate.</summary>
    public double LearningRate { get; init; } = 0.03;

    /// <summary>When set, the learning rate is cosine-annealed from LearningRate to this value over the iterations.</summary>
    public double? FinalLearningRate { get; init; }

    /// <summary>When set, q(u) takes natural-gradient steps of this size and Adam trains the kernel, likelihood and Z.</summary>
    public double? NaturalGradientStep { get; init; }

    /// <summary>The first N training images used.</summary>
    public int TrainExamples { get; init; } = 5000;

    /// <summary>The first N test images evaluated.</summary>
    public int TestExamples { get; init; } = 2000;

    /// <summary>Output folder of an earlier `latent svgp train` whose model this run keeps training (null: a fresh model).</summary>
    public string? InitFrom { get; init; }

    /// <summary>Deskew every training and test image (moment-based shear and centring, see Latent.Data.Deskew) before the GP sees it.</summary>
    public bool Deskew { get; init; }

    /// <summary>With InitFrom: keep training a diagonal-q model with a full q(u) that starts at its diagonal one.</summary>
    public bool ContinueWithFullQ { get; init; }

    /// <summary>MNIST-format directory (null: embedded MNIST).</summary>
    public string? DataDirectory { get; init; }

    /// <summary>Latent samples per digit in the RobustMax sampling demonstration.</summary>
    public int Samples { get; init; } = 2000;

    /// <summary>Stop training after this many minutes of wall time even if fewer steps were taken (null: no limit).</summary>
    public double? TimeLimitMinutes { get; init; }
}
