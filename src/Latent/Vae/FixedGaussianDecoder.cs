using Latent.Distributions;
using TorchSharp;
using TorchSharp.Modules;
using static TorchSharp.torch;

namespace Latent.Vae;

/// <summary>
/// p(x|z) = N(x; mu(z), sigma^2 I) with a fixed sigma: log p(x|z) is -||x - mu||^2 / (2 sigma^2) plus a constant,
/// so sigma sets the weight of the reconstruction against the KL term. The mean is squashed into (0,1) by a sigmoid.
/// </summary>
public sealed class FixedGaussianDecoder : nn.Module<Tensor, IObservationDistribution>, IDecoder
{
    private readonly Sequential trunk;
    private readonly Linear mean;
    private readonly double logVariance;

    /// <summary>Creates a decoder with observation noise standard deviation <paramref name="sigma"/>.</summary>
    public FixedGaussianDecoder(int latentSize, IReadOnlyList<int> hiddenSizes, int outputSize, double sigma, Device? device = null, ScalarType dtype = ScalarType.Float32)
        : base(nameof(FixedGaussianDecoder))
    {
        if (outputSize <= 0) throw new LatentException($"decoder output size must be positive, got {outputSize}");
        if (!(sigma > 0) || double.IsInfinity(sigma)) throw new LatentException($"Gaussian decoder sigma must be a positive number, got {sigma}");
        LatentSize = latentSize;
        OutputSize = outputSize;
        Sigma = sigma;
        logVariance = 2.0 * Math.Log(sigma);
        trunk = MlpTrunk.Create(latentSize, hiddenSizes, device, dtype);
        mean = nn.Linear(MlpTrunk.OutputWidth(latentSize, hiddenSizes), outputSize, device: device, dtype: dtype);
        RegisterComponents();
    }

    /// <inheritdoc/>
    public int LatentSize { get; }

    /// <inheritdoc/>
    public int OutputSize { get; }

    /// <summary>The fixed observation noise standard deviation.</summary>
    public double Sigma { get; }

    /// <inheritdoc/>
    public void InitializeOutputBias(Tensor dataMean) => MlpTrunk.SetBiasToLogitOf(mean, dataMean);

    /// <summary>The Gaussian over pixels for latent codes z.</summary>
    public override IObservationDistribution forward(Tensor z)
    {
        var mu = mean.forward(trunk.forward(z)).sigmoid();
        return new GaussianObservation(new DiagonalGaussian(mu, full_like(mu, logVariance)));
    }
}
