namespace Latent.Gp;

/// <summary>The standard normal CDF Φ and a log Φ that stays finite and differentiable deep in the lower tail.</summary>
internal static class NormalCdf
{
    private const double TailStart = -20.0;

    private static readonly double InverseSqrt2 = 1.0 / Math.Sqrt(2.0);

    /// <summary>Φ(x) = ½ erfc(−x/√2), which keeps full relative precision in the lower tail (libtorch's ndtr underflows there).</summary>
    public static Tensor Cdf(Tensor x) => 0.5 * special.erfc(-InverseSqrt2 * x);

    /// <summary>
    /// log Φ(x): log of ½ erfc(−x/√2) down to x = −20 (where Φ ≈ 3e−89 is still a normal double), and below it the asymptotic
    /// series log Φ(x) = −x²/2 − log(−x) − ½ log 2π + log(1 − 1/x² + 3/x⁴ − 15/x⁶) (Abramowitz &amp; Stegun 26.2.12), error &lt; 1e−10.
    /// </summary>
    public static Tensor LogCdf(Tensor x)
    {
        var central = Cdf(x.clamp_min(TailStart)).log();
        var tail = x.clamp_max(TailStart);
        var inverseSquare = tail.square().reciprocal();
        var series = 1.0 - inverseSquare + 3.0 * inverseSquare.square() - 15.0 * inverseSquare.pow(3);
        var asymptotic = -0.5 * tail.square() - (-tail).log() - 0.5 * Math.Log(2 * Math.PI) + series.log();
        return where(x >= TailStart, central, asymptotic);
    }
}
