using Latent.Data;
using Latent.Gp;
using Latent.Gp.Models;
using Latent.Training;
using static TorchSharp.torch;

namespace Latent.Tests.Gp;

public class GpScalingStudyTests
{
    public GpScalingStudyTests() => LatentRuntime.Initialize();

    [Fact]
    public void CountsDoubleFromTheSmallestWhileTheyStayWithinTheLargest()
    {
        Assert.Equal([1000, 2000, 4000], GpScalingStudy.Counts(1000, 4000));
        Assert.Equal([1000, 2000], GpScalingStudy.Counts(1000, 3999));
        Assert.Empty(GpScalingStudy.Counts(1000, 999));
    }

    [Fact]
    public void ExactGprRunsOnlyUpToItsLimitAndEveryOtherModelAtEveryCount()
    {
        var fitted = new List<(long Count, string Model)>();
        var rows = GpScalingStudy.Run([10, 20, 40], ["gpr", "sgpr"], exactLimit: 20, count => RegressionCurve.Generate(0, count, 5),
            (data, model) => { fitted.Add((data.Train.Count, model)); return (data.Train.Count, -1.0); }, CancellationToken.None);
        Assert.Equal([(10, "gpr"), (10, "sgpr"), (20, "gpr"), (20, "sgpr"), (40, "sgpr")], fitted);
        Assert.Equal([10, 20, 40], rows.Select(r => r.Count));
        Assert.Null(rows[2].Fits[0]);
        Assert.Equal((40.0, -1.0), rows[2].Fits[1]);
    }

    [Fact]
    public void AStoppedStudyEndsBeforeItsNextCount()
    {
        using var stop = new CancellationTokenSource();
        var fits = 0;
        Assert.Throws<PhaseInterruptedException>(() => GpScalingStudy.Run([10, 20], ["sgpr"], 0, count => RegressionCurve.Generate(0, count, 5),
            (_, _) => { fits++; stop.Cancel(); return (0.0, 0.0); }, stop.Token));
        Assert.Equal(1, fits);
    }

    [Fact]
    public void TheGeneratedCurveIsReproducibleAndItsNoiseHasTheStatedSpread()
    {
        using var first = RegressionCurve.Generate(7, 20_000, 10);
        using var again = RegressionCurve.Generate(7, 20_000, 10);
        Assert.Equal(first.Train.Targets!.data<double>().ToArray(), again.Train.Targets!.data<double>().ToArray());
        Assert.Equal([20_000, 1], first.Train.Features.shape);
        Assert.Equal([10, 1], first.Test.Targets!.shape);
        var x = first.Train.Features.to(float64).data<double>().ToArray();
        var y = first.Train.Targets!.data<double>().ToArray();
        Assert.All(x, v => Assert.InRange(v, RegressionCurve.Low, RegressionCurve.High));
        var residuals = x.Zip(y, (a, b) => b - (Math.Sin(2 * a) + 0.3 * Math.Sin(7 * a))).ToArray();
        var mean = residuals.Average();
        var sd = Math.Sqrt(residuals.Select(r => (r - mean) * (r - mean)).Average());
        Assert.InRange(mean, -0.01, 0.01);
        Assert.InRange(sd, 0.97 * RegressionCurve.NoiseSd, 1.03 * RegressionCurve.NoiseSd);
    }

    [Fact]
    public void TheTrainingLossPerPointIsTheExactNegativeLogLikelihoodForGprAndNoBetterForSvgp()
    {
        using var data = RegressionCurve.Generate(3, 60, 10);
        using var gpr = new GpRegressor(new GpRegressorOptions { Model = "gpr", Kernel = "matern52", Iterations = 15, Seed = 3 });
        gpr.Fit(data);
        using var exact = ((Gpr)gpr.Model).TrainingLoss();
        Assert.Equal(exact.item<double>(), gpr.TrainingLossPerPoint(data), 12);
        using var svgp = new GpRegressor(new GpRegressorOptions { Model = "svgp", Kernel = "matern52", Inducing = "kmeans:10", Iterations = 50, Seed = 3 });
        svgp.Fit(data);
        var svgpLoss = svgp.TrainingLossPerPoint(data);
        Assert.True(double.IsFinite(svgpLoss) && svgpLoss >= gpr.TrainingLossPerPoint(data) - 0.01,
            $"SVGP's −ELBO per point {svgpLoss} should not be below the exact −log p(y) per point at GPR's optimum");
    }
}
