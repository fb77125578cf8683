using Latent.Distributions;

namespace Latent.Vae;

/// <summary>
/// p(x|z) = N(x; mu(z), diag sigma^2(z)) with a mean and a log-variance per feature, both any real numbers (no [0, 1]
/// assumption), from a network of any architecture. An optional variance floor keeps sigma^2 &gt;= floor: log sigma^2 = log(floor + exp(raw)) =
/// log floor + softplus(raw - log floor), which stops the likelihood from diverging on constant features (the black MNIST border).
/// </summary>
public sealed class LearnedGaussianDecoder : NetworkDecoder
{
    private readonly double logFloor;

    /// <summary>Creates the decoder over <paramref name="network"/> (two outputs per feature: means, then raw log-variances); <paramref name="varianceFloor"/> = 0 leaves the variance unconstrained.</summary>
    public LearnedGaussianDecoder(DecoderNetwork network, double varianceFloor = 0.0) : base(nameof(LearnedGaussianDecoder), network, 2, "a learned-variance Gaussian decoder")
    {
        if (!(varianceFloor >= 0) || double.IsInfinity(varianceFloor)) throw new LatentException($"variance floor must be a non-negative number, got {varianceFloor}");
        VarianceFloor = varianceFloor;
        logFloor = varianceFloor > 0 ? Math.Log(varianceFloor) : double.NegativeInfinity;
    }

    /// <summary>Creates an MLP decoder from <paramref name="latentSize"/> through <paramref name="hiddenSizes"/> to <paramref name="outputSize"/> means and log-variances.</summary>
    public LearnedGaussianDecoder(int latentSize, IReadOnlyList<int> hiddenSizes, int outputSize, double varianceFloor = 0.0, Device? device = null, ScalarType dtype = ScalarType.Float32)
        : this(MlpArchitecture.DecoderNetwork(latentSize, hiddenSizes, [outputSize], 2, device, dtype), varianceFloor)
    {
    }

    /// <summary>The smallest variance the decoder can output (0 = none).</summary>
    public double VarianceFloor { get; }

    /// <summary>Sets the mean's bias to the mean of the data and the log-variance's bias so that the variance starts at the data's (at least twice the floor).</summary>
    public override void InitializeOutputBias(Tensor data)
    {
        using var scope = NewDisposeScope();
        var (mean, variance) = DecoderOutput.Statistics(data, EventShape);
        DecoderOutput.SetBias(Layout, 0, mean);
        var target = variance.to(ScalarType.Float64).clamp_min(Math.Max(2 * VarianceFloor, 1e-6));
        var raw = VarianceFloor > 0 ? (target - VarianceFloor).log() : target.log();
        DecoderOutput.SetBias(Layout, 1, raw);
    }

    /// <summary>The Gaussian over features for latent codes z.</summary>
    public override IDistribution forward(Tensor z)
    {
        var output = Layout.Parameters(z);
        var raw = Layout.Select(output, 1);
        var logVariance = VarianceFloor > 0 ? nn.functional.softplus(raw - logFloor) + logFloor : raw;
        return new DiagonalGaussian(Layout.Select(output, 0), logVariance, EventShape.Length);
    }
}
