namespace Latent.Studies;

/// <summary>One arm of the batch-size study: a batch size, a learning-rate rule and a label for the report.</summary>
public sealed record BatchSizeRegime(string Name, int BatchSize, LearningRateScaling Scaling);
