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

    /// <summary>Sets the output layer's bias so that the decoded mean (or Bernoulli probability) at zero hidden input is <paramref name="dataMean"/>.</summary>
    void InitializeOutputBias(Tensor dataMean);
}
