using Latent.Distributions;

namespace Latent.Vae;

/// <summary>
/// A VAE decoder p(x|z): a module mapping codes [.., <see cref="LatentSize"/>] to a distribution over examples [.., …<see cref="EventShape"/>],
/// one event each (its <see cref="IDistribution.EventDimensions"/> is the length of the event shape). Any architecture plugs in.
/// </summary>
public interface IDecoder : nn.IModule<Tensor, IDistribution>
{
    /// <summary>Width of the codes it decodes: z, followed by the one-hot class for a conditional VAE.</summary>
    int LatentSize { get; }

    /// <summary>The shape of one example ([D] or [C, H, W]).</summary>
    long[] EventShape { get; }

    /// <summary>
    /// Sets the output bias from the training data <paramref name="data"/> [N, …EventShape] so that the decoded distribution at zero hidden
    /// input matches the data's per-feature statistics (Burda et al. 2016 do this for MNIST): the early steps then learn structure instead of
    /// the average example.
    /// </summary>
    void InitializeOutputBias(Tensor data);
}
