namespace Latent.Distributions;

/// <summary>A categorical distribution over the last dimension, parameterized by unnormalized logits; each class index is one event.</summary>
public sealed class CategoricalLogits : IDistribution
{
    /// <summary>Creates the distribution from logits of shape [..., K].</summary>
    public CategoricalLogits(Tensor logits) => Logits = logits;

    /// <summary>The unnormalized logits.</summary>
    public Tensor Logits { get; }

    /// <summary>Normalized log-probabilities log_softmax(logits).</summary>
    public Tensor LogProbabilities => Logits.log_softmax(-1);

    /// <summary>Class probabilities softmax(logits).</summary>
    public Tensor Probabilities => Logits.softmax(-1);

    /// <inheritdoc />
    public int EventDimensions => 0;

    /// <summary>NaN for every event, as torch.distributions.Categorical: class indices have no meaningful mean.</summary>
    public Tensor Mean => full(Logits.shape[..^1], double.NaN, dtype: Logits.dtype, device: Logits.device);

    /// <inheritdoc />
    public bool HasRSample => false;

    /// <summary>log p(k) for integer class indices k of shape [...] (each index is its own event).</summary>
    public Tensor LogProbPerDimension(Tensor classes) =>
        LogProbabilities.gather(-1, classes.to(ScalarType.Int64).unsqueeze(-1)).squeeze(-1);

    /// <summary>log p(k) for integer class indices k of shape [...].</summary>
    public Tensor LogProb(Tensor classes) => LogProbPerDimension(classes);

    /// <summary>Class indices have no reparameterized draw; always throws.</summary>
    public Tensor RSample(Generator? generator = null) =>
        throw new LatentException("a categorical distribution has no reparameterized sample (use Sample, or a relaxed distribution)");

    /// <summary>Entropy -sum p log p, computed from log-probabilities.</summary>
    public Tensor Entropy()
    {
        var logp = LogProbabilities;
        return -(logp.exp() * logp).sum(-1);
    }

    /// <summary>Draws class indices of shape [...], cut off from the autograd graph.</summary>
    public Tensor Sample(Generator? generator = null)
    {
        using var noGrad = no_grad();
        var flat = Probabilities.reshape(-1, Logits.shape[^1]);
        var draws = multinomial(flat, 1, replacement: true, generator: generator).squeeze(-1);
        return draws.reshape(Logits.shape[..^1]);
    }
}
