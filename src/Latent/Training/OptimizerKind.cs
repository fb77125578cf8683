namespace Latent.Training;

/// <summary>The optimizers Latent's trainer can build.</summary>
public enum OptimizerKind
{
    /// <summary>Plain stochastic gradient descent.</summary>
    Sgd,

    /// <summary>SGD with (heavy-ball) momentum.</summary>
    Momentum,

    /// <summary>Adam (Kingma and Ba 2015).</summary>
    Adam,
}
