using Latent.Distributions;

namespace Latent.Vae;

/// <summary>
/// p(x|z) = N(x; mu(z), sigma^2 I) with a fixed sigma: log p(x|z) is -||x - mu||^2 / (2 sigma^2) plus a constant, so sigma
/// sets the weight of the reconstruction against the KL term. The mean is any real vector (no [0, 1] assumption); the network is any architecture.
/// </summary>
public sealed class FixedGaussianDecoder : NetworkDecoder
{
    private readonly double logVariance;

    /// <summary>Creates the decoder over <paramref name="network"/> (one output per feature: the mean) with observation noise standard deviation <paramref name="sigma"/>.</summary>
    public FixedGaussianDecoder(DecoderNetwork network, double sigma) : base(nameof(FixedGaussianDecoder), network, 1, "a fixed-variance Gaussian decoder")
    {
        if (!(sigma > 0) || double.IsInfinity(sigma)) throw new LatentException($"Gaussian decoder sigma must be a positive number, got {sigma}");
        Sigma = sigma;
        logVariance = 2.0 * Math.Log(sigma);
    }

    /// <summary>Creates an MLP decoder from <paramref name="latentSize"/> through <paramref name="hiddenSizes"/> to <paramref name="outputSize"/> means.</summary>
    public FixedGaussianDecoder(int latentSize, IReadOnlyList<int> hiddenSizes, int outputSize, double sigma, Device? device = null, ScalarType dtype = ScalarType.Float32)
        : this(MlpArchitecture.DecoderNetwork(latentSize, hiddenSizes, [outputSize], 1, device, dtype), sigma)
    {
    }

    /// <summary>The fixed observation noise standard deviation.</summary>
    public double Sigma { get; }

    /// <summary>Sets the mean's bias to the mean of the data.</summary>
    public override void InitializeOutputBias(Tensor data)
    {
        using var scope = NewDisposeScope();
        DecoderOutput.SetBias(Layout, 0, DecoderOutput.Statistics(data, EventShape).Mean);
    }

    /// <summary>The Gaussian over features for latent codes z.</summary>
    public override IDistribution forward(Tensor z)
    {
        var mu = Layout.Select(Layout.Parameters(z), 0);
        return new DiagonalGaussian(mu, full_like(mu, logVariance), EventShape.Length);
    }
}
