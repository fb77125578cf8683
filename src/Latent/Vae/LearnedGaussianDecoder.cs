using Latent.Distributions;
using TorchSharp;
using TorchSharp.Modules;
using static TorchSharp.torch;

namespace Latent.Vae;

/// <summary>
/// p(x|z) = N(x; mu(z), diag sigma^2(z)) with a mean and a log-variance per pixel. An optional variance floor
/// keeps sigma^2 &gt;= floor: log sigma^2 = log(floor + exp(raw)) = log floor + softplus(raw - log floor),
/// which stops the likelihood from diverging on pixels that are constant (the black MNIST border).
/// </summary>
public sealed class LearnedGaussianDecoder : nn.Module<Tensor, IObservationDistribution>, IDecoder
{
    private readonly Sequential trunk;
    private readonly Linear mean;
    private readonly Linear logVariance;
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
        trunk = MlpTrunk.Create(latentSize, hiddenSizes, device, dtype);
        int width = MlpTrunk.OutputWidth(latentSize, hiddenSizes);
        mean = nn.Linear(width, outputSize, device: device, dtype: dtype);
        logVariance = nn.Linear(width, outputSize, device: device, dtype: dtype);
        RegisterComponents();
    }

    /// <inheritdoc/>
    public int LatentSize { get; }

    /// <inheritdoc/>
    public int OutputSize { get; }

    /// <summary>The smallest variance the decoder can output (0 = none).</summary>
    public double VarianceFloor { get; }

    /// <inheritdoc/>
    public void InitializeOutputBias(Tensor dataMean) => MlpTrunk.SetBiasToLogitOf(mean, dataMean);

    /// <summary>The Gaussian over pixels for latent codes z.</summary>
    public override IObservationDistribution forward(Tensor z)
    {
        var hidden = trunk.forward(z);
        var mu = mean.forward(hidden).sigmoid();
        var raw = logVariance.forward(hidden);
        var logVar = VarianceFloor > 0 ? nn.functional.softplus(raw - logFloor) + logFloor : raw;
        return new GaussianObservation(new DiagonalGaussian(mu, logVar));
    }
}
