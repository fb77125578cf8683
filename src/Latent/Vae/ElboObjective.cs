namespace Latent.Vae;

/// <summary>
/// Minus the ELBO, -(E_q[log p(x|z)] - beta * KL), with the analytic KL and the reconstruction term averaged over
/// L reparameterized samples per example (Kingma and Welling's L; L = 1 is the usual estimator, larger L lowers its variance).
/// beta = 1 is the VAE; beta = 0 drops the KL term (a plain stochastic autoencoder, used to show what the KL does).
/// </summary>
public sealed class ElboObjective : IVaeObjective
{
    /// <summary>Creates the objective with KL weight <paramref name="klWeight"/> (1 = the true ELBO) and <paramref name="samples"/> draws of z per example.</summary>
    public ElboObjective(double klWeight = 1.0, int samples = 1)
    {
        if (!(klWeight >= 0) || double.IsInfinity(klWeight)) throw new LatentException($"KL weight must be a non-negative number, got {klWeight}");
        if (samples < 1) throw new LatentException($"ELBO samples must be at least 1, got {samples}");
        KlWeight = klWeight;
        Samples = samples;
    }

    /// <summary>The weight beta of the KL term.</summary>
    public double KlWeight { get; }

    /// <summary>Reparameterized draws of z per example (L).</summary>
    public int Samples { get; }

    /// <inheritdoc/>
    public string Name => (Samples == 1 ? "elbo" : $"elbo:{Samples}") + (KlWeight == 1.0 ? "" : $"(beta={KlWeight:G3})");

    /// <inheritdoc/>
    public Tensor Loss(VariationalAutoencoder model, Tensor x, Generator? generator = null, Tensor? labels = null)
    {
        var terms = model.Elbo(x, generator, Samples, labels);
        var klTerm = KlWeight == 1.0 ? terms.Kl : KlWeight * terms.Kl;
        return (klTerm - terms.Reconstruction).mean();
    }
}
