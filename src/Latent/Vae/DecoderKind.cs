namespace Latent.Vae;

/// <summary>The decoder distributions p(x|z) a VAE can use (<see cref="VaeOptions.Decoder"/>).</summary>
public enum DecoderKind
{
    /// <summary><see cref="BernoulliDecoder"/>.</summary>
    Bernoulli,

    /// <summary><see cref="FixedGaussianDecoder"/>.</summary>
    GaussianFixed,

    /// <summary><see cref="LearnedGaussianDecoder"/>.</summary>
    GaussianLearned,
}
