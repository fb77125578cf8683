namespace Latent.Text;

/// <summary>word2vec.c's 64-bit linear congruential generator (next = next · 25214903917 + 11); one per thread, seeded by the run.</summary>
public struct LinearCongruentialRandom
{
    private ulong state;

    /// <summary>Starts the generator at <paramref name="seed"/>.</summary>
    public LinearCongruentialRandom(ulong seed) => state = seed;

    /// <summary>The current state: a generator started at it continues the same sequence (for checkpoints).</summary>
    public readonly ulong State => state;

    /// <summary>Advances the generator and returns its new 64-bit state.</summary>
    public ulong Next()
    {
        state = state * 25214903917UL + 11UL;
        return state;
    }

    /// <summary>A uniform integer in [0, <paramref name="bound"/>) from the well-mixed bits 16..47 of the next state.</summary>
    public int NextInt(int bound) => (int)(((Next() >> 16) & 0xFFFF_FFFFUL) * (ulong)bound >> 32);

    /// <summary>A uniform float in [0, 1) on a 1/65536 grid, as word2vec.c draws it for subsampling ((next &amp; 0xFFFF) / 65536).</summary>
    public float NextUnit16() => (Next() & 0xFFFF) / 65536f;
}
