namespace Latent.Studies;

/// <summary>What the batch-size study's network predicts.</summary>
public enum StudyTask
{
    /// <summary>Real-valued targets, per-example loss = mean squared error over the outputs.</summary>
    Regression,

    /// <summary>Class labels, per-example loss = cross-entropy of the softmax.</summary>
    Classification,
}
