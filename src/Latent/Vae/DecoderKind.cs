namespace Latent.Vae;

/// <summary>The decoders a <see cref="VaeArchitecture"/> can build.</summary>
public enum DecoderKind
{
    /// <summary><see cref="BernoulliDecoder"/>.</summary>
    Bernoulli,

    /// <summary><see cref="FixedGaussianDecoder"/>.</summary>
    GaussianFixed,

    /// <summary><see cref="LearnedGaussianDecoder"/>.</summary>
    GaussianLearned,
}
