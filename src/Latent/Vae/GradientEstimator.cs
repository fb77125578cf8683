namespace Latent.Vae;

/// <summary>How the gradient of E_q[log p(x|z)] with respect to the encoder is estimated from samples.</summary>
public enum GradientEstimator
{
    /// <summary>Differentiate log p(x | mu + sigma * eps) through the sample (Kingma and Welling 2014).</summary>
    Reparameterized,

    /// <summary>log p(x|z) * grad log q(z|x) with z held fixed: the score-function (REINFORCE) estimator (Williams 1992).</summary>
    ScoreFunction,
}
