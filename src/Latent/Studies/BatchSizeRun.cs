namespace Latent.Studies;

/// <summary>The outcome of one regime: the learning rate actually used, its curve, and where it diverged if it did.</summary>
public sealed record BatchSizeRun(
    BatchSizeRegime Regime,
    LossReduction Reduction,
    double LearningRate,
    double EffectiveLearningRate,
    LearningCurve Curve,
    long? DivergedAtStep)
{
    /// <summary>The last finite full-data loss recorded (NaN when none was).</summary>
    public double FinalLoss => Curve.Evaluations.Select(p => p.Value).LastOrDefault(double.IsFinite, double.NaN);

    /// <summary>Epochs (passes over the data) completed when training stopped.</summary>
    public double EpochsCompleted => Curve.Steps.Count == 0 ? 0 : Curve.Steps[^1].Epoch;
}
