using Latent.Distributions;
using Latent.Nn;

namespace Latent.Vae;

/// <summary>
/// p(x|z) = N(x; mu(z), sigma^2 I) with a fixed sigma: log p(x|z) is -||x - mu||^2 / (2 sigma^2) plus a constant, so sigma
/// sets the weight of the reconstruction against the KL term. The mean is any real vector (no [0, 1] assumption).
/// </summary>
public sealed class FixedGaussianDecoder : nn.Module<Tensor, IDistribution>, IDecoder
{
    private readonly Mlp network;
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
        network = new Mlp([latentSize, .. hiddenSizes, outputSize], dtype: dtype, device: device);
        RegisterComponents();
    }

    /// <inheritdoc/>
    public int LatentSize { get; }

    /// <inheritdoc/>
    public int OutputSize { get; }

    /// <summary>The fixed observation noise standard deviation.</summary>
    public double Sigma { get; }

    /// <summary>Sets the mean's bias to the mean of the data.</summary>
    public void InitializeOutputBias(Tensor data)
    {
        using var scope = NewDisposeScope();
        DecoderOutput.SetBias(network, 0, DecoderOutput.Statistics(data, OutputSize).Mean);
    }

    /// <summary>The Gaussian over features for latent codes z.</summary>
    public override IDistribution forward(Tensor z)
    {
        var mu = network.forward(z);
        return new DiagonalGaussian(mu, full_like(mu, logVariance));
    }
}
