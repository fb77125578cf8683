using Latent.Distributions;
using static TorchSharp.torch;

namespace Latent.Vae;

/// <summary>Independent Bernoulli pixels given by logits: log p(x|z) is minus the stable binary cross-entropy with logits.</summary>
public sealed class BernoulliObservation : IObservationDistribution
{
    /// <summary>Wraps a Bernoulli-with-logits distribution.</summary>
    public BernoulliObservation(BernoulliLogits distribution) => Distribution = distribution;

    /// <summary>The underlying distribution.</summary>
    public BernoulliLogits Distribution { get; }

    /// <summary>The pixel probabilities sigmoid(logits).</summary>
    public Tensor Mean => Distribution.Probabilities;

    /// <inheritdoc/>
    public Tensor LogProbPerDimension(Tensor x) => Distribution.LogProbPerDimension(x);

    /// <inheritdoc/>
    public Tensor LogProb(Tensor x) => Distribution.LogProb(x);

    /// <inheritdoc/>
    public Tensor Sample(Generator? generator = null) => Distribution.Sample(generator);
}
