using static TorchSharp.torch;

namespace Latent.Distributions;

/// <summary>A categorical distribution over the last dimension, parameterized by unnormalized logits.</summary>
public sealed class CategoricalLogits
{
    /// <summary>Creates the distribution from logits of shape [..., K].</summary>
    public CategoricalLogits(Tensor logits) => Logits = logits;

    /// <summary>The unnormalized logits.</summary>
    public Tensor Logits { get; }

    /// <summary>Normalized log-probabilities log_softmax(logits).</summary>
    public Tensor LogProbabilities => Logits.log_softmax(-1);

    /// <summary>Class probabilities softmax(logits).</summary>
    public Tensor Probabilities => Logits.softmax(-1);

    /// <summary>log p(k) for integer class indices k of shape [...].</summary>
    public Tensor LogProb(Tensor classes) =>
        LogProbabilities.gather(-1, classes.to(ScalarType.Int64).unsqueeze(-1)).squeeze(-1);

    /// <summary>Entropy -sum p log p, computed from log-probabilities.</summary>
    public Tensor Entropy()
    {
        var logp = LogProbabilities;
        return -(logp.exp() * logp).sum(-1);
    }

    /// <summary>Draws class indices of shape [...].</summary>
    public Tensor Sample(Generator? generator = null)
    {
        var flat = Probabilities.reshape(-1, Logits.shape[^1]);
        var draws = multinomial(flat, 1, replacement: true, generator: generator).squeeze(-1);
        return draws.reshape(Logits.shape[..^1]);
    }
}
