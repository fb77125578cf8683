using Latent.Distributions;
using TorchSharp;
using TorchSharp.Modules;
using static TorchSharp.torch;

namespace Latent.Vae;

/// <summary>
/// The inference network q(z|x): an MLP whose last hidden layer feeds two linear heads, the mean and the
/// log-variance of a diagonal Gaussian (Kingma and Welling 2014, appendix C.2).
/// </summary>
public sealed class GaussianEncoder : nn.Module<Tensor, DiagonalGaussian>
{
    private readonly Sequential trunk;
    private readonly Linear mean;
    private readonly Linear logVariance;

    /// <summary>Creates an encoder from <paramref name="inputSize"/> through <paramref name="hiddenSizes"/> (ReLU) to a <paramref name="latentSize"/>-dimensional Gaussian.</summary>
    public GaussianEncoder(int inputSize, IReadOnlyList<int> hiddenSizes, int latentSize, Device? device = null, ScalarType dtype = ScalarType.Float32)
        : base(nameof(GaussianEncoder))
    {
        if (latentSize <= 0) throw new LatentException($"latent size must be positive, got {latentSize}");
        InputSize = inputSize;
        LatentSize = latentSize;
        trunk = MlpTrunk.Create(inputSize, hiddenSizes, device, dtype);
        int width = MlpTrunk.OutputWidth(inputSize, hiddenSizes);
        mean = nn.Linear(width, latentSize, device: device, dtype: dtype);
        logVariance = nn.Linear(width, latentSize, device: device, dtype: dtype);
        RegisterComponents();
    }

    /// <summary>Dimension of a data vector.</summary>
    public int InputSize { get; }

    /// <summary>Dimension of z.</summary>
    public int LatentSize { get; }

    /// <summary>q(z|x) for a batch x [.., InputSize].</summary>
    public override DiagonalGaussian forward(Tensor x)
    {
        var hidden = trunk.forward(x);
        return new DiagonalGaussian(mean.forward(hidden), logVariance.forward(hidden));
    }
}
