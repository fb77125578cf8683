using static TorchSharp.torch;

namespace Latent.Vae;

/// <summary>What a decoder returns: a distribution over data vectors with a per-dimension log-density.</summary>
public interface IObservationDistribution
{
    /// <summary>The expected data vector E[x | z] (for images: the mean image).</summary>
    Tensor Mean { get; }

    /// <summary>Per-dimension log p(x_d | z), without summing.</summary>
    Tensor LogProbPerDimension(Tensor x);

    /// <summary>log p(x | z) = sum over the last dimension of the per-dimension log-densities (never a product of densities).</summary>
    Tensor LogProb(Tensor x);

    /// <summary>Draws one data vector per row.</summary>
    Tensor Sample(Generator? generator = null);
}
