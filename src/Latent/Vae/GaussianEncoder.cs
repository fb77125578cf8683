using Latent.Distributions;
using Latent.Nn;

namespace Latent.Vae;

/// <summary>
/// The inference network q(z|x): an MLP (ReLU) whose output holds the mean and the log-variance of a diagonal Gaussian,
/// side by side (Kingma and Welling 2014, appendix C.2).
/// </summary>
public sealed class GaussianEncoder : nn.Module<Tensor, DiagonalGaussian>
{
    private readonly Mlp network;

    /// <summary>Creates an encoder from <paramref name="inputSize"/> through <paramref name="hiddenSizes"/> to a <paramref name="latentSize"/>-dimensional Gaussian.</summary>
    public GaussianEncoder(int inputSize, IReadOnlyList<int> hiddenSizes, int latentSize, Device? device = null, ScalarType dtype = ScalarType.Float32)
        : base(nameof(GaussianEncoder))
    {
        if (latentSize <= 0) throw new LatentException($"latent size must be positive, got {latentSize}");
        if (inputSize <= 0) throw new LatentException($"input size must be positive, got {inputSize}");
        InputSize = inputSize;
        LatentSize = latentSize;
        network = new Mlp([inputSize, .. hiddenSizes, 2 * latentSize], dtype: dtype, device: device);
        RegisterComponents();
    }

    /// <summary>Dimension of a data vector.</summary>
    public int InputSize { get; }

    /// <summary>Dimension of z.</summary>
    public int LatentSize { get; }

    /// <summary>q(z|x) for a batch x [.., InputSize].</summary>
    public override DiagonalGaussian forward(Tensor x)
    {
        var output = network.forward(x);
        return new DiagonalGaussian(output.narrow(-1, 0, LatentSize), output.narrow(-1, LatentSize, LatentSize));
    }
}
