using Latent.Vae;
using TorchSharp;
using static TorchSharp.torch;

namespace Latent.Tests.Vae;

/// <summary>Small seeded VAEs and data for the tests.</summary>
internal static class TinyModels
{
    public static VariationalAutoencoder Bernoulli(int inputSize, int hidden, int latent, long seed, ScalarType dtype = ScalarType.Float32)
    {
        manual_seed(seed);
        return new VariationalAutoencoder(
            new GaussianEncoder(inputSize, new[] { hidden }, latent, dtype: dtype),
            new BernoulliDecoder(latent, new[] { hidden }, inputSize, dtype: dtype));
    }

    public static Tensor Intensities(long count, long size, long seed)
    {
        using var generator = new Generator((ulong)seed);
        return rand(new[] { count, size }, generator: generator);
    }

    public static bool Identical(Tensor a, Tensor b) => a.shape.SequenceEqual(b.shape) && a.eq(b).all().item<bool>();
}
