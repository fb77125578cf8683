namespace Latent.Training;

/// <summary>How to change a learning rate tuned at one batch size when training at another.</summary>
public enum LearningRateScaling
{
    /// <summary>Keep the learning rate unchanged.</summary>
    None,

    /// <summary>Linear scaling rule: lr * b / B (Goyal et al. 2017).</summary>
    Linear,

    /// <summary>Square-root scaling: lr * sqrt(b / B) (Krizhevsky 2014), which keeps the gradient-noise variance per step constant.</summary>
    Sqrt,
}

/// <summary>Applies a <see cref="LearningRateScaling"/> rule.</summary>
public static class LearningRateScalingRule
{
    /// <summary>The learning rate for batch size <paramref name="batchSize"/>, given <paramref name="referenceLearningRate"/> tuned at <paramref name="referenceBatchSize"/>.</summary>
    public static double Scale(this LearningRateScaling rule, double referenceLearningRate, int referenceBatchSize, int batchSize)
    {
        if (referenceBatchSize <= 0 || batchSize <= 0) throw new LatentException($"batch sizes must be positive, got {referenceBatchSize} and {batchSize}");
        double ratio = (double)batchSize / referenceBatchSize;
        return rule switch
        {
            LearningRateScaling.Linear => referenceLearningRate * ratio,
            LearningRateScaling.Sqrt => referenceLearningRate * Math.Sqrt(ratio),
            _ => referenceLearningRate,
        };
    }
}
