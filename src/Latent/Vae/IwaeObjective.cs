namespace Latent.Vae;

/// <summary>Minus the importance-weighted bound with k samples (Burda et al. 2016); k = 1 is the ELBO with a sampled KL.</summary>
public sealed class IwaeObjective : IVaeObjective
{
    /// <summary>Creates the objective with <paramref name="samples"/> importance samples per example.</summary>
    public IwaeObjective(int samples)
    {
        if (samples < 1) throw new LatentException($"importance samples must be at least 1, got {samples}");
        Samples = samples;
    }

    /// <summary>The number of importance samples k.</summary>
    public int Samples { get; }

    /// <inheritdoc/>
    public string Name => $"iwae:{Samples}";

    /// <inheritdoc/>
    public Tensor Loss(VariationalAutoencoder model, Tensor x, Generator? generator = null, Tensor? labels = null) =>
        -model.ImportanceWeightedBound(x, Samples, generator, labels).mean();
}
