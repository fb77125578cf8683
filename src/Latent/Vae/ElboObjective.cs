using TorchSharp;
using static TorchSharp.torch;

namespace Latent.Vae;

/// <summary>
/// Minus the ELBO, -(E_q[log p(x|z)] - beta * KL), with one reparameterized sample and the analytic KL.
/// beta = 1 is the VAE; beta = 0 drops the KL term (a plain stochastic autoencoder, used to show what the KL does).
/// </summary>
public sealed class ElboObjective : IVaeObjective
{
    /// <summary>Creates the objective with KL weight <paramref name="klWeight"/> (1 = the true ELBO).</summary>
    public ElboObjective(double klWeight = 1.0)
    {
        if (!(klWeight >= 0) || double.IsInfinity(klWeight)) throw new LatentException($"KL weight must be a non-negative number, got {klWeight}");
        KlWeight = klWeight;
    }

    /// <summary>The weight beta of the KL term.</summary>
    public double KlWeight { get; }

    /// <inheritdoc/>
    public string Name => KlWeight == 1.0 ? "elbo" : $"elbo(beta={KlWeight:G3})";

    /// <inheritdoc/>
    public Tensor Loss(VariationalAutoencoder model, Tensor x, Generator? generator = null)
    {
        var terms = model.Elbo(x, generator);
        var klTerm = KlWeight == 1.0 ? terms.Kl : KlWeight * terms.Kl;
        return (klTerm - terms.Reconstruction).mean();
    }
}
