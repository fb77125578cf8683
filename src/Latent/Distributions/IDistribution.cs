namespace Latent.Distributions;

/// <summary>
/// The distribution contract (after torch.distributions): a batch of independent events, each spanning the last
/// <see cref="EventDimensions"/> tensor dimensions; <see cref="LogProb"/> sums the per-element log-densities over exactly
/// those dimensions, in log space, so a product of many densities never underflows.
/// </summary>
public interface IDistribution
{
    /// <summary>How many trailing dimensions form one event (0: every element is its own event).</summary>
    int EventDimensions { get; }

    /// <summary>The expected value, shaped like a sample.</summary>
    Tensor Mean { get; }

    /// <summary>True when <see cref="RSample"/> is available (the sample is a differentiable function of the parameters).</summary>
    bool HasRSample { get; }

    /// <summary>Per-element log-densities (or log-probabilities), shaped like a sample, before summing over the event.</summary>
    Tensor LogProbPerDimension(Tensor x);

    /// <summary>log p(x) per event: <see cref="LogProbPerDimension"/> summed over the last <see cref="EventDimensions"/> dimensions.</summary>
    Tensor LogProb(Tensor x);

    /// <summary>One draw per event, cut off from the autograd graph.</summary>
    Tensor Sample(Generator? generator = null);

    /// <summary>A reparameterized draw through which gradients reach the parameters; throws when <see cref="HasRSample"/> is false.</summary>
    Tensor RSample(Generator? generator = null);
}
