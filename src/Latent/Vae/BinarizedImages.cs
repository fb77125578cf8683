namespace Latent.Vae;

/// <summary>
/// Training images under a <see cref="Binarization"/>: the intensities themselves, one fixed Bernoulli draw,
/// or a fresh draw per epoch, all drawn from generators seeded by the run so that a seed fixes every draw.
/// </summary>
public sealed class BinarizedImages : IDisposable
{
    private readonly Tensor intensities;
    private readonly Tensor? fixedDraw;

    /// <summary>Wraps features [N, …] (vectors or images); throws when any value is NaN, or outside [0,1] when <paramref name="mode"/> binarizes.</summary>
    public BinarizedImages(Tensor intensities, Binarization mode, long seed)
    {
        if (intensities.dim() < 2) throw new LatentException($"images must have shape [count, …example shape], got [{string.Join(",", intensities.shape)}]");
        using (no_grad())
        {
            if (intensities.isnan().any().item<bool>()) throw new LatentException("images contain NaN values");
            if (mode != Binarization.None && intensities.numel() > 0 && (intensities.min().item<float>() < 0f || intensities.max().item<float>() > 1f))
                throw new LatentException("binarization needs intensities in [0,1]");
        }
        this.intensities = intensities;
        Mode = mode;
        Seed = seed;
        if (mode == Binarization.Static) fixedDraw = Draw(seed);
    }

    /// <summary>The binarization applied.</summary>
    public Binarization Mode { get; }

    /// <summary>The seed that fixes every draw.</summary>
    public long Seed { get; }

    /// <summary>Number of images.</summary>
    public long Count => intensities.shape[0];

    /// <summary>The data to train on in epoch <paramref name="epoch"/> (0-based); only dynamic binarization changes between epochs.</summary>
    public Tensor ForEpoch(int epoch) => Mode switch
    {
        Binarization.None => intensities,
        Binarization.Static => fixedDraw!,
        _ => Draw(Seed + 1 + epoch),
    };

    /// <summary>Releases the fixed draw (the intensities belong to the caller).</summary>
    public void Dispose() => fixedDraw?.Dispose();

    private Tensor Draw(long seed)
    {
        using var generator = new Generator((ulong)seed, intensities.device);
        using var noGrad = no_grad();
        return bernoulli(intensities, generator);
    }
}
