namespace Latent.Studies;

/// <summary>How per-example losses are combined into a batch loss.</summary>
public enum LossReduction
{
    /// <summary>Average over the batch: the gradient's size does not depend on the batch size.</summary>
    Mean,

    /// <summary>Sum over the batch: the gradient grows with the batch size, so the effective learning rate is lr * b.</summary>
    Sum,
}
