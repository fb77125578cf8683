using Latent.Distributions;

namespace Latent.Vae;

/// <summary>
/// A VAE encoder q(z|x): a module mapping examples x [B, …<see cref="EventShape"/>] (and, for a conditional VAE, their one-hot classes
/// [B, <see cref="ConditionSize"/>]; null otherwise) to a diagonal Gaussian over z [B, <see cref="LatentSize"/>]. Any architecture plugs in.
/// </summary>
public interface IEncoder : nn.IModule<Tensor, Tensor?, DiagonalGaussian>
{
    /// <summary>The shape of one example ([D] or [C, H, W]).</summary>
    long[] EventShape { get; }

    /// <summary>Dimension of z.</summary>
    int LatentSize { get; }

    /// <summary>Width of the one-hot class the encoder also reads (0: an unconditional encoder).</summary>
    int ConditionSize { get; }
}
