using static TorchSharp.torch;

namespace Latent.Distributions;

/// <summary>Independent Bernoulli variables over the last dimension, parameterized by logits for numerical stability.</summary>
public sealed class BernoulliLogits
{
    /// <summary>Creates the distribution from logits (log p/(1-p)).</summary>
    public BernoulliLogits(Tensor logits) => Logits = logits;

    /// <summary>The logits.</summary>
    public Tensor Logits { get; }

    /// <summary>The success probabilities sigmoid(logits).</summary>
    public Tensor Probabilities => Logits.sigmoid();

    /// <summary>
    /// Per-dimension log p(x) = x*logits - softplus(logits), i.e. minus the stable binary cross-entropy with
    /// logits; accepts x in [0,1] (the continuous-intensity convention of pytorch/examples).
    /// </summary>
    public Tensor LogProbPerDimension(Tensor x) =>
        -nn.functional.binary_cross_entropy_with_logits(Logits, x, reduction: nn.Reduction.None);

    /// <summary>log p(x) summed over the last dimension.</summary>
    public Tensor LogProb(Tensor x) => LogProbPerDimension(x).sum(-1);

    /// <summary>Entropy summed over the last dimension.</summary>
    public Tensor Entropy()
    {
        var p = Probabilities;
        return nn.functional.binary_cross_entropy_with_logits(Logits, p, reduction: nn.Reduction.None).sum(-1);
    }

    /// <summary>Draws 0/1 samples (not differentiable).</summary>
    public Tensor Sample(Generator? generator = null) => bernoulli(Probabilities, generator);
}
