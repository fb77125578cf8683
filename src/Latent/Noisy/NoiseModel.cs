namespace Latent.Noisy;

/// <summary>How a noisy-label run models the label noise.</summary>
public enum NoiseModel
{
    /// <summary>No noise layer: the classifier is trained directly on the noisy labels (the baseline).</summary>
    None,

    /// <summary>Learned Q = softmax(W, dim 0), valid by construction.</summary>
    Softmax,

    /// <summary>Learned unconstrained Q, projected column-wise onto the simplex after every optimizer step.</summary>
    Project,

    /// <summary>Forward correction with T estimated from a first, uncorrected run's most confident predictions.</summary>
    Forward,

    /// <summary>Forward correction with the true T that generated the noise (an oracle reference).</summary>
    ForwardKnown,
}
