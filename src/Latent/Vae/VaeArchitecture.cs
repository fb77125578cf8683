using TorchSharp;
using static TorchSharp.torch;

namespace Latent.Vae;

/// <summary>
/// The sizes and decoder choice that define a VAE, enough to rebuild it before loading its weights.
/// The decoder's hidden layers mirror the encoder's.
/// </summary>
/// <param name="InputSize">Dimension of a data vector (784 for MNIST).</param>
/// <param name="HiddenSizes">Encoder hidden layer widths, input side first; the decoder uses them reversed.</param>
/// <param name="LatentSize">Dimension of z.</param>
/// <param name="Decoder">Which decoder to build.</param>
/// <param name="Sigma">Observation noise standard deviation of the fixed-variance Gaussian decoder.</param>
/// <param name="VarianceFloor">Smallest variance of the learned-variance Gaussian decoder (0 = none).</param>
public sealed record VaeArchitecture(int InputSize, int[] HiddenSizes, int LatentSize, DecoderKind Decoder, double Sigma = 0.1, double VarianceFloor = 1e-3)
{
    /// <summary>The 784-400-20 Bernoulli VAE of Kingma and Welling (2014) and pytorch/examples.</summary>
    public static VaeArchitecture MnistDefault => new(784, new[] { 400 }, 20, DecoderKind.Bernoulli);

    /// <summary>Builds a freshly initialized model on <paramref name="device"/> (CPU when null).</summary>
    public VariationalAutoencoder Create(Device? device = null, ScalarType dtype = ScalarType.Float32)
    {
        var encoder = new GaussianEncoder(InputSize, HiddenSizes, LatentSize, device, dtype);
        var reversed = HiddenSizes.Reverse().ToArray();
        IDecoder decoder = Decoder switch
        {
            DecoderKind.Bernoulli => new BernoulliDecoder(LatentSize, reversed, InputSize, device, dtype),
            DecoderKind.GaussianFixed => new FixedGaussianDecoder(LatentSize, reversed, InputSize, Sigma, device, dtype),
            _ => new LearnedGaussianDecoder(LatentSize, reversed, InputSize, VarianceFloor, device, dtype),
        };
        return new VariationalAutoencoder(encoder, decoder);
    }

    /// <summary>Parses the command-line decoder names bernoulli, gaussian-fixed and gaussian-learned.</summary>
    public static DecoderKind ParseDecoder(string text) => text switch
    {
        "bernoulli" => DecoderKind.Bernoulli,
        "gaussian-fixed" => DecoderKind.GaussianFixed,
        "gaussian-learned" => DecoderKind.GaussianLearned,
        _ => throw new LatentException($"unknown decoder '{text}'; expected bernoulli, gaussian-fixed or gaussian-learned"),
    };

    /// <summary>A short description such as "784-400-20 bernoulli".</summary>
    public override string ToString()
    {
        var sizes = string.Join("-", new[] { InputSize }.Concat(HiddenSizes).Append(LatentSize));
        return Decoder switch
        {
            DecoderKind.Bernoulli => $"{sizes} bernoulli",
            DecoderKind.GaussianFixed => $"{sizes} gaussian-fixed(sigma={Sigma:G3})",
            _ => $"{sizes} gaussian-learned(floor={VarianceFloor:G3})",
        };
    }
}
