using Latent.Distributions;

namespace Latent.Vae;

/// <summary>A VAE decoder: a module mapping latent codes z [.., LatentSize] to a distribution p(x|z) over data vectors [.., OutputSize] (one event each).</summary>
public interface IDecoder : nn.IModule<Tensor, IDistribution>
{
    /// <summary>Dimension of z.</summary>
    int LatentSize { get; }

    /// <summary>Dimension of a data vector.</summary>
    int OutputSize { get; }

    /// <summary>
    /// Sets the output layer's bias from the training data <paramref name="data"/> [N, OutputSize] so that the decoded distribution
    /// at zero hidden input matches the data's per-feature statistics (Burda et al. 2016 do this for MNIST): the early steps then
    /// learn structure instead of the average example.
    /// </summary>
    void InitializeOutputBias(Tensor data);
}
