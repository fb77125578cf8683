namespace Latent.Vae;

/// <summary>What <see cref="VaeDiagnostics.Posterior"/> measures.</summary>
/// <param name="Samples">One z per example, all latent dimensions pooled.</param>
/// <param name="Means">The posterior means, pooled.</param>
/// <param name="MeanSigma">The mean posterior standard deviation.</param>
/// <param name="MeanKl">The mean KL(q(z|x) || N(0, I)) in nats.</param>
/// <param name="ReconstructionMse">The mean squared reconstruction error per feature.</param>
public sealed record PosteriorSummary(double[] Samples, double[] Means, double MeanSigma, double MeanKl, double ReconstructionMse)
{
    /// <summary>The mean of the pooled samples.</summary>
    public double SampleMean => Samples.Average();

    /// <summary>The standard deviation of the pooled samples (1 for the prior).</summary>
    public double SampleStd => Std(Samples);

    /// <summary>The standard deviation of the pooled posterior means.</summary>
    public double MeansStd => Std(Means);

    private static double Std(double[] values)
    {
        double mean = values.Average();
        return Math.Sqrt(values.Sum(v => (v - mean) * (v - mean)) / (values.Length - 1));
    }
}
