namespace Latent.Data;

/// <summary>A generated 1-D regression set: x uniform on [<see cref="Low"/>, <see cref="High"/>], y = sin(2x) + 0.3 sin(7x) + Gaussian noise of standard deviation <see cref="NoiseSd"/>.</summary>
public static class RegressionCurve
{
    /// <summary>The lower end of the inputs.</summary>
    public const double Low = -3;

    /// <summary>The upper end of the inputs.</summary>
    public const double High = 3;

    /// <summary>The standard deviation of the noise added to the curve.</summary>
    public const double NoiseSd = 0.2;

    /// <summary>
    /// <paramref name="trainCount"/> training and <paramref name="testCount"/> held-out points from the same curve, reproducible from
    /// <paramref name="seed"/>: features [N, 1] (float32) and targets [N, 1] (float64).
    /// </summary>
    public static Dataset Generate(long seed, int trainCount, int testCount)
    {
        if (trainCount < 1 || testCount < 1) throw new LatentException($"a generated curve needs at least one training and one test point, got {trainCount} and {testCount}");
        using var generator = new Generator((ulong)seed + 23);
        DataPart Part(int count)
        {
            using var x = rand([count, 1], dtype: float64, generator: generator) * (High - Low) + Low;
            var y = (2 * x).sin() + 0.3 * (7 * x).sin() + NoiseSd * randn([count, 1], dtype: float64, generator: generator);
            return new DataPart(x.to(float32), null, y);
        }
        return new Dataset(Part(trainCount), Part(testCount), 0, null, "generated curve", targetNames: ["y"]);
    }
}
