using System.Globalization;
using TorchSharp;
using static TorchSharp.torch;

namespace Latent.Vae;

/// <summary>A training objective for a VAE: a scalar loss (nats per example) to minimize.</summary>
public interface IVaeObjective
{
    /// <summary>The command-line spelling, such as "elbo" or "iwae:50".</summary>
    string Name { get; }

    /// <summary>The loss on a batch x [B, D], averaged over the batch.</summary>
    Tensor Loss(VariationalAutoencoder model, Tensor x, Generator? generator = null);

    /// <summary>Parses "elbo" or "iwae:K" (K &gt;= 1).</summary>
    static IVaeObjective Parse(string text)
    {
        if (text == "elbo") return new ElboObjective();
        if (text.StartsWith("iwae:", StringComparison.Ordinal)
            && int.TryParse(text.AsSpan(5), NumberStyles.None, CultureInfo.InvariantCulture, out int k) && k >= 1)
            return new IwaeObjective(k);
        throw new LatentException($"unknown VAE objective '{text}'; expected 'elbo' or 'iwae:K' with K a positive integer");
    }
}
