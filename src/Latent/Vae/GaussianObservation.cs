using Latent.Distributions;
using static TorchSharp.torch;

namespace Latent.Vae;

/// <summary>Independent Gaussian pixels: log p(x|z) is the sum of per-pixel Gaussian log-densities.</summary>
public sealed class GaussianObservation : IObservationDistribution
{
    /// <summary>Wraps a diagonal Gaussian over pixels.</summary>
    public GaussianObservation(DiagonalGaussian distribution) => Distribution = distribution;

    /// <summary>The underlying distribution.</summary>
    public DiagonalGaussian Distribution { get; }

    /// <summary>The per-pixel mean.</summary>
    public Tensor Mean => Distribution.Mean;

    /// <inheritdoc/>
    public Tensor LogProbPerDimension(Tensor x) => Distribution.LogProbPerDimension(x);

    /// <inheritdoc/>
    public Tensor LogProb(Tensor x) => Distribution.LogProb(x);

    /// <inheritdoc/>
    public Tensor Sample(Generator? generator = null) => Distribution.RSample(generator);
}
