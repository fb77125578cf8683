namespace Latent.Gp;

/// <summary>
/// What happens when latent samples f ~ q(f*) of a fitted <see cref="SvgpClassifier"/> are pushed through the inverse link one by
/// one (RobustMax: hard votes of 1 − ε), how their average approaches predict_y at the Monte Carlo rate, and how predict_y
/// spreads its mass where the two leading latent means are close. Rows of the per-example arrays follow the test examples.
/// </summary>
public sealed record LinkSamplingStudy(
    double[][] Probabilities, double[][] LatentMean, double[][] LatentVariance, int[] Ambiguous, int[] Confident,
    double[][] FirstSamples, int[] SampleCounts, double[] LargestErrors, double[][] SampleAverages, double[][] SingleSamples)
{
    /// <summary>The chosen examples: the ambiguous ones (smallest gap between the two largest predict_y probabilities), then the confident ones.</summary>
    public int[] Chosen => [.. Ambiguous, .. Confident];

    /// <summary>
    /// Runs the study on test features [N, …]: predict_y and q(f*) for every example, then <paramref name="samples"/> latent samples
    /// through the link for the four most ambiguous and two most confident examples.
    /// </summary>
    public static LinkSamplingStudy Run(SvgpClassifier classifier, Tensor features, int samples, Generator generator)
    {
        if (samples < 1) throw new LatentException($"link sampling study: sample count must be positive, got {samples}");
        using var scope = NewDisposeScope();
        var (mean, variance) = classifier.PredictF(features);
        var p = Rows(classifier.PredictY(features).Mean);
        var ambiguous = Enumerable.Range(0, p.Length).OrderBy(i => TopGap(p[i])).Take(4).ToArray();
        var confident = Enumerable.Range(0, p.Length).OrderByDescending(i => TopGap(p[i])).Take(2).ToArray();
        int[] chosen = [.. ambiguous, .. confident];
        var sampled = classifier.LinkProbabilities(classifier.PredictFSamples(features.index_select(0, tensor(chosen.Select(i => (long)i).ToArray())), samples, generator));
        var cumulative = sampled.cumsum(0);
        var counts = new[] { 10, 30, 100, 300, 1000, 3000, 10000 }.Where(n => n < samples).Append(samples).ToArray();
        var errors = counts.Select(n => Rows(cumulative.select(0, n - 1) / n).Select((row, j) => row.Zip(p[chosen[j]], (a, b) => Math.Abs(a - b)).Max()).Max()).ToArray();
        return new LinkSamplingStudy(p, Rows(mean), Rows(variance), ambiguous, confident, Rows(sampled.select(1, 0).narrow(0, 0, Math.Min(3, samples))),
            counts, errors, Rows(cumulative.select(0, samples - 1) / samples), Rows(sampled.select(0, 0).narrow(0, 0, ambiguous.Length)));
    }

    /// <summary>The two classes with the largest latent means for an example and their standardised gap (μ₁ − μ₂) / √(v₁ + v₂).</summary>
    public (int First, int Second, double Gap) LeadingClasses(int example)
    {
        var order = Enumerable.Range(0, LatentMean[example].Length).OrderByDescending(k => LatentMean[example][k]).Take(2).ToArray();
        var gap = (LatentMean[example][order[0]] - LatentMean[example][order[1]]) / Math.Sqrt(LatentVariance[example][order[0]] + LatentVariance[example][order[1]]);
        return (order[0], order[1], gap);
    }

    /// <summary>The mean largest predict_y probability over the examples whose standardised latent gap lies in [low, high), and their count.</summary>
    public (double MeanTop, int Count) TopProbabilityWhereGap(double low, double high)
    {
        var inside = Enumerable.Range(0, Probabilities.Length).Where(i => LeadingClasses(i).Gap is var g && g >= low && g < high).ToArray();
        return (inside.Length > 0 ? inside.Average(i => Probabilities[i].Max()) : double.NaN, inside.Length);
    }

    private static double TopGap(double[] row)
    {
        var sorted = row.OrderDescending().ToArray();
        return sorted[0] - sorted[1];
    }

    private static double[][] Rows(Tensor matrix)
    {
        var values = matrix.detach().to(float64).contiguous().data<double>().ToArray();
        var width = (int)matrix.shape[1];
        return Enumerable.Range(0, (int)matrix.shape[0]).Select(i => values.AsSpan(i * width, width).ToArray()).ToArray();
    }
}
