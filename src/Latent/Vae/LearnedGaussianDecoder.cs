using Latent.Distributions;
using Latent.Nn;

namespace Latent.Vae;

/// <summary>
/// p(x|z) = N(x; mu(z), diag sigma^2(z)) with a mean and a log-variance per feature, both any real numbers (no [0, 1]
/// assumption). An optional variance floor keeps sigma^2 &gt;= floor: log sigma^2 = log(floor + exp(raw)) =
/// log floor + softplus(raw - log floor), which stops the likelihood from diverging on constant features (the black MNIST border).
/// </summary>
public sealed class LearnedGaussianDecoder : nn.Module<Tensor, IDistribution>, IDecoder
{
    private readonly Mlp network;
    private readonly double logFloor;

    /// <summary>Creates a decoder; <paramref name="varianceFloor"/> = 0 leaves the variance unconstrained.</summary>
    public LearnedGaussianDecoder(int latentSize, IReadOnlyList<int> hiddenSizes, int outputSize, double varianceFloor = 0.0, Device? device = null, ScalarType dtype = ScalarType.Float32)
        : base(nameof(LearnedGaussianDecoder))
    {
        if (outputSize <= 0) throw new LatentException($"decoder output size must be positive, got {outputSize}");
        if (!(varianceFloor >= 0) || double.IsInfinity(varianceFloor)) throw new LatentException($"variance floor must be a non-negative number, got {varianceFloor}");
        LatentSize = latentSize;
        OutputSize = outputSize;
        VarianceFloor = varianceFloor;
        logFloor = varianceFloor > 0 ? Math.Log(varianceFloor) : double.NegativeInfinity;
        network = new Mlp([latentSize, .. hiddenSizes, 2 * outputSize], dtype: dtype, device: device);
        RegisterComponents();
    }

    /// <inheritdoc/>
    public int LatentSize { get; }

    /// <inheritdoc/>
    public int OutputSize { get; }

    /// <summary>The smallest variance the decoder can output (0 = none).</summary>
    public double VarianceFloor { get; }

    /// <summary>Sets the mean's bias to the mean of the data and the log-variance's bias so that the variance starts at the data's (at least twice the floor).</summary>
    public void InitializeOutputBias(Tensor data)
    {
        using var scope = NewDisposeScope();
        var (mean, variance) = DecoderOutput.Statistics(data, OutputSize);
        DecoderOutput.SetBias(network, 0, mean);
        var target = variance.to(ScalarType.Float64).clamp_min(Math.Max(2 * VarianceFloor, 1e-6));
        var raw = VarianceFloor > 0 ? (target - VarianceFloor).log() : target.log();
        DecoderOutput.SetBias(network, OutputSize, raw);
    }

    /// <summary>The Gaussian over features for latent codes z.</summary>
    public override IDistribution forward(Tensor z)
    {
        var output = network.forward(z);
        var raw = output.narrow(-1, OutputSize, OutputSize);
        var logVariance = VarianceFloor > 0 ? nn.functional.softplus(raw - logFloor) + logFloor : raw;
        return new DiagonalGaussian(output.narrow(-1, 0, OutputSize), logVariance);
    }
}
