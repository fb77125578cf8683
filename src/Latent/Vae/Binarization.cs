namespace Latent.Vae;

/// <summary>How [0,1] pixel intensities are turned into training data.</summary>
public enum Binarization
{
    /// <summary>Keep the continuous intensities (the pytorch/examples convention).</summary>
    None,

    /// <summary>One Bernoulli draw per pixel, fixed for the whole run.</summary>
    Static,

    /// <summary>A fresh Bernoulli draw per pixel every epoch (Burda et al. 2016).</summary>
    Dynamic,
}
