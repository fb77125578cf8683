using TorchSharp;
using static TorchSharp.torch;

namespace Latent.Vae;

/// <summary>A VAE decoder: a module mapping latent codes z [.., LatentSize] to a distribution over data [.., OutputSize].</summary>
public interface IDecoder : nn.IModule<Tensor, IObservationDistribution>
{
    /// <summary>Dimension of z.</summary>
    int LatentSize { get; }

    /// <summary>Dimension of a data vector (784 for MNIST).</summary>
    int OutputSize { get; }
}
