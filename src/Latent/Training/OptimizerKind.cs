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

    /// <summary>L-BFGS (Liu and Nocedal 1989) with a backtracking line search: several iterations per step on a whole-data loss.</summary>
    Lbfgs,
}
