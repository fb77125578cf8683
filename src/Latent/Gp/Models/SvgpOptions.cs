using Latent.Gp.MeanFunctions;

namespace Latent.Gp.Models;

/// <summary>Structural choices of an SVGP: whitening, the form of q(u), whether Z is trained, the prior mean, the jitter added to Kmm and the floating-point type.</summary>
public sealed record SvgpOptions
{
    /// <summary>Parameterise u = Lv with v ~ q(v) and prior N(0, I) (Hensman et al. 2015) instead of q(u) directly.</summary>
    public bool Whiten { get; init; } = true;

    /// <summary>Use a diagonal covariance for q(u) instead of a full lower-triangular Cholesky factor.</summary>
    public bool QDiagonal { get; init; }

    /// <summary>Let the optimiser move the inducing inputs Z.</summary>
    public bool TrainInducingInputs { get; init; } = true;

    /// <summary>The prior mean function (zero when null).</summary>
    public MeanFunction? MeanFunction { get; init; }

    /// <summary>The jitter added to the diagonal of Kmm before its Cholesky factorisation.</summary>
    public double Jitter { get; init; } = JitterFor(ScalarType.Float64);

    /// <summary>The floating-point type of the model's parameters and arithmetic: float64, or float32 (faster, needs a larger jitter).</summary>
    public ScalarType Dtype { get; init; } = ScalarType.Float64;

    /// <summary>The default jitter for a floating-point type: 1e-6 for float64, 1e-4 for float32 (whose Cholesky needs the larger margin).</summary>
    public static double JitterFor(ScalarType dtype) => dtype == ScalarType.Float32 ? 1e-4 : 1e-6;
}
