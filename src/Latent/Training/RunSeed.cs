namespace Latent.Training;

/// <summary>Seeds the run's global random generator (parameter initialisation, dropout) so the same seed gives the same numbers.</summary>
public static class RunSeed
{
    /// <summary>Seeds libtorch's default generator with <paramref name="seed"/>.</summary>
    public static void Apply(long seed) => manual_seed(seed);
}
