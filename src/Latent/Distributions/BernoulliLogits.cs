namespace Latent.Distributions;

/// <summary>Independent Bernoulli variables forming an event over the last <see cref="EventDimensions"/> dimensions, parameterized by logits for numerical stability.</summary>
public sealed class BernoulliLogits : IDistribution
{
    /// <summary>Creates the distribution from logits (log p/(1-p)); an event spans the last <paramref name="eventDimensions"/> dimensions.</summary>
    public BernoulliLogits(Tensor logits, int eventDimensions = 1)
    {
        Logits = logits;
        EventDimensions = EventSum.Check(eventDimensions);
    }

    /// <summary>The logits.</summary>
    public Tensor Logits { get; }

    /// <inheritdoc/>
    public int EventDimensions { get; }

    /// <summary>The success probabilities (the mean of the 0/1 variables).</summary>
    public Tensor Mean => Probabilities;

    /// <summary>False: a 0/1 draw is not a differentiable function of the logits.</summary>
    public bool HasRSample => false;

    /// <summary>The success probabilities sigmoid(logits).</summary>
    public Tensor Probabilities => Logits.sigmoid();

    /// <summary>
    /// Per-dimension log p(x) = x*logits - softplus(logits), i.e. minus the stable binary cross-entropy with
    /// logits; accepts x in [0,1] (the continuous-intensity convention of pytorch/examples) and broadcasts x
    /// against leading sample dimensions of the logits.
    /// </summary>
    public Tensor LogProbPerDimension(Tensor x) =>
        -nn.functional.binary_cross_entropy_with_logits(Logits, x.expand_as(Logits), reduction: nn.Reduction.None);

    /// <summary>log p(x) summed over the event.</summary>
    public Tensor LogProb(Tensor x) => EventSum.Over(LogProbPerDimension(x), EventDimensions);

    /// <summary>Entropy summed over the event.</summary>
    public Tensor Entropy()
    {
        var p = Probabilities;
        return EventSum.Over(nn.functional.binary_cross_entropy_with_logits(Logits, p, reduction: nn.Reduction.None), EventDimensions);
    }

    /// <summary>Draws 0/1 samples (not differentiable).</summary>
    public Tensor Sample(Generator? generator = null)
    {
        using var noGrad = no_grad();
        return bernoulli(Probabilities, generator);
    }

    /// <summary>Throws: Bernoulli draws have no reparameterization.</summary>
    public Tensor RSample(Generator? generator = null) =>
        throw new LatentException("a Bernoulli distribution has no reparameterized sample; use Sample, or a score-function gradient");
}
