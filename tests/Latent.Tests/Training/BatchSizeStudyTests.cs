using Latent.Studies;
using Latent.Training;

namespace Latent.Tests.Training;

public class BatchSizeStudyTests : TorchTest
{
    private static BatchSizeStudy Study(LossReduction reduction, double lr, int steps = 200) =>
        new(StudyData.SyntheticRegression(), new BatchSizeStudyOptions { Steps = steps, LearningRate = lr, Reduction = reduction, EvaluateEverySteps = 10 });

    [Fact]
    public void SumReducedSgdAtTheSameLrIsExactlyTheLinearlyScaledMeanRun()
    {
        var sum = Study(LossReduction.Sum, 2.0 / 50);
        var mean = Study(LossReduction.Mean, 2.0);
        var sgdSum = sum.RunRegime(sum.Regimes()[2]);
        var linearMean = mean.RunRegime(mean.Regimes().Single(r => r.Scaling == LearningRateScaling.Linear));
        Assert.Equal(2.0 / 50, linearMean.LearningRate, 12);
        Assert.Equal(linearMean.Curve.Evaluations.Select(p => p.Value), sgdSum.Curve.Evaluations.Select(p => p.Value));
    }

    [Fact]
    public void FullBatchConvergesWhereSgdAtTheSameMeanLrDiverges()
    {
        var study = Study(LossReduction.Mean, 2.0);
        var full = study.RunRegime(study.Regimes()[0]);
        var sgd = study.RunRegime(study.Regimes()[2]);
        Assert.Null(full.DivergedAtStep);
        Assert.True(full.FinalLoss < 0.1 * full.Curve.Evaluations[0].Value);
        Assert.NotNull(sgd.DivergedAtStep);
    }

    [Fact]
    public void EffectiveLearningRateOfSummedLossesGrowsWithBatchSize()
    {
        var sum = Study(LossReduction.Sum, 0.04);
        Assert.Equal(2.0, sum.EffectiveLearningRate(0.04, 50), 12);
        // Full batch: effective 0.04 * 50 = 2. Square-root rule for b = 1: effective 2 * sqrt(1/50); a summed b = 1 loss needs that lr itself.
        Assert.Equal(2.0 * Math.Sqrt(1.0 / 50), sum.LearningRateFor(new BatchSizeRegime("sqrt", 1, LearningRateScaling.Sqrt)), 12);
        // Linear rule for b = 10: effective 2 * 10/50 = 0.4, so the summed loss keeps lr 0.04.
        Assert.Equal(0.04, sum.LearningRateFor(new BatchSizeRegime("linear", 10, LearningRateScaling.Linear)), 12);
    }
}
