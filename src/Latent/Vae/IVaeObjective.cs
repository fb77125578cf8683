using System.Globalization;

namespace Latent.Vae;

/// <summary>A training objective for a VAE: a scalar loss (nats per example) to minimize.</summary>
public interface IVaeObjective
{
    /// <summary>The command-line spelling, such as "elbo" or "iwae:50".</summary>
    string Name { get; }

    /// <summary>The loss on a batch x [B, …] (with its class labels [B] for a conditional VAE), averaged over the batch.</summary>
    Tensor Loss(VariationalAutoencoder model, Tensor x, Generator? generator = null, Tensor? labels = null);

    /// <summary>Parses "elbo", "elbo:L" (L reparameterized samples per example) or "iwae:K" (K, L &gt;= 1).</summary>
    static IVaeObjective Parse(string text)
    {
        if (text == "elbo") return new ElboObjective();
        if (text.StartsWith("elbo:", StringComparison.Ordinal) && PositiveCount(text.AsSpan(5)) is { } l) return new ElboObjective(samples: l);
        if (text.StartsWith("iwae:", StringComparison.Ordinal) && PositiveCount(text.AsSpan(5)) is { } k) return new IwaeObjective(k);
        throw new LatentException($"unknown VAE objective '{text}'; expected 'elbo', 'elbo:L' or 'iwae:K' with L, K positive integers");
    }

    private static int? PositiveCount(ReadOnlySpan<char> text) =>
        int.TryParse(text, NumberStyles.None, CultureInfo.InvariantCulture, out int count) && count >= 1 ? count : null;
}
