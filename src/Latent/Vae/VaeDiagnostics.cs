using Latent.Distributions;
using Latent.Reporting;

namespace Latent.Vae;

/// <summary>
/// Measurements that explain a trained VAE: how its codes are distributed (the aggregate posterior against the prior), and why
/// a Gaussian decoder must be scored by summed log-densities rather than a product of densities.
/// </summary>
public static class VaeDiagnostics
{
    /// <summary>
    /// One z ~ q(z|x) per example of <paramref name="features"/> (all latent dimensions pooled), the posterior means, the mean
    /// posterior standard deviation, the mean KL to the prior and the mean squared reconstruction error per feature. A conditional model reads
    /// the classes <paramref name="labels"/> [N] of the examples.
    /// </summary>
    public static PosteriorSummary Posterior(VaeModel model, Tensor features, long seed, Tensor? labels = null)
    {
        using var scope = NewDisposeScope();
        using var noGrad = no_grad();
        using var generator = new Generator(unchecked((ulong)seed + 202UL), model.Device);
        var x = features.to(model.Device);
        var posterior = model.Network.Encode(x, labels);
        double[] Values(Tensor t) => t.to(ScalarType.Float64).cpu().reshape(-1).data<double>().ToArray();
        return new PosteriorSummary(Values(posterior.RSample(generator)), Values(posterior.Mean), posterior.StandardDeviation.mean().item<float>(),
            Kl.FromStandardNormal(posterior).mean().item<float>(), (model.Network.Reconstruct(x, labels) - x).square().mean().item<float>());
    }

    /// <summary>
    /// The number of active latent units (Burda et al. 2016, §5.2): dimensions u whose posterior mean E_q[z_u|x] varies across the examples
    /// of <paramref name="posteriorMeans"/> [N, latent] with variance Cov_x(E_q[z_u|x]) above <paramref name="threshold"/> (their 10⁻²).
    /// An inactive unit's posterior equals the prior for every x: the decoder ignores it (posterior collapse).
    /// </summary>
    public static int ActiveUnits(Tensor posteriorMeans, double threshold = 0.01)
    {
        if (posteriorMeans.dim() != 2) throw new LatentException($"posterior means must have shape [examples, latent], got [{string.Join(", ", posteriorMeans.shape)}]");
        if (posteriorMeans.shape[0] < 2) return 0;
        using var variance = posteriorMeans.to(ScalarType.Float64).var([0L]);
        using var active = variance.gt(threshold);
        return (int)active.sum().item<long>();
    }

    /// <summary>
    /// How recognisably a conditional model's samples belong to their class: <paramref name="perClass"/> prior samples of every class (decoder
    /// means in the data's units), labelled by <paramref name="classify"/> (features [N, …] → classes [N], for example a classifier trained on
    /// the real examples); returns the share labelled as the class asked for.
    /// </summary>
    public static double ClassAccuracy(VaeModel model, Func<Tensor, Tensor> classify, int perClass, long seed)
    {
        if (!model.IsConditional) throw new LatentException("class accuracy of samples needs a conditional VAE");
        if (perClass < 1) throw new LatentException($"samples per class must be at least 1, got {perClass}");
        long correct = 0;
        for (int k = 0; k < model.ClassCount; k++)
        {
            using var scope = NewDisposeScope();
            correct += classify(model.SampleInDataUnits(perClass, seed + k, k)).to(ScalarType.Int64).cpu().eq(k).sum().item<long>();
        }
        return (double)correct / (perClass * model.ClassCount);
    }

    /// <summary>Two panels: the density of pooled posterior samples beside N(0, 1), and their QQ plot against N(0, 1).</summary>
    public static string PosteriorFigure(string path, IReadOnlyList<(string Name, PosteriorSummary Summary)> runs)
    {
        var histogram = new LineChart("density of aggregate posterior samples", "z (all dimensions pooled)", "density");
        var qq = new LineChart("QQ: aggregate posterior samples vs N(0,1)", "N(0,1) quantile", "sample quantile");
        const double low = -6, high = 6;
        const int bins = 60;
        double width = (high - low) / bins;
        var centres = Enumerable.Range(0, bins).Select(i => low + (i + 0.5) * width).ToList();
        foreach (var (name, summary) in runs)
        {
            var counts = new double[bins];
            foreach (var v in summary.Samples)
                if (Math.Floor((v - low) / width) is var bin and >= 0 and < bins) counts[(int)bin]++;
            histogram.Add(name, centres, counts.Select(c => c / (summary.Samples.Length * width)).ToList());
            qq.Add(name, NormalQuantiles(summary.Samples.Length), summary.Samples.Order().ToList());
        }
        histogram.Add("N(0,1)", centres, centres.Select(z => Math.Exp(-z * z / 2) / Math.Sqrt(2 * Math.PI)).ToList());
        qq.Add("y = x", [-4.0, 4.0], [-4.0, 4.0]);
        return Figure.SavePng(path, [histogram, qq], 2);
    }

    /// <summary>
    /// Scores the first (up to 128) examples of <paramref name="features"/> under N(x; reconstruction, σ² I) in float32 two ways: as a product
    /// of per-feature densities (which underflows to 0 or overflows to ∞, and whose log(1e-20 + product) has no gradient) and as a
    /// sum of log-densities (finite, with a gradient).
    /// </summary>
    public static UnderflowDemo Underflow(VaeModel model, Tensor features, double sigma)
    {
        using var scope = NewDisposeScope();
        var x = features.narrow(0, 0, Math.Min(128, features.shape[0])).to(model.Device);
        Tensor mean;
        using (no_grad()) mean = model.Network.Reconstruct(x).detach();
        mean.requires_grad_();
        var observation = new DiagonalGaussian(mean, full_like(mean, 2 * Math.Log(sigma)), model.ExampleShape.Length);
        var product = observation.LogProbPerDimension(x).exp().reshape(x.shape[0], -1).prod(-1);
        var naive = (product + 1e-20f).log();
        var naiveGradient = autograd.grad([naive.sum()], [mean])[0];
        var logProb = observation.LogProb(x);
        var gradient = autograd.grad([logProb.sum()], [mean])[0];
        return new UnderflowDemo(sigma, (int)x.shape[0], (int)product.eq(0).sum().item<long>(), (int)product.isinf().sum().item<long>(),
            naive.mean().item<float>(), naiveGradient.norm().item<float>(), logProb.mean().item<float>(), gradient.norm().item<float>());
    }

    /// <summary>The standard normal quantiles at (i − 0.5) / n, z = √2 erfinv(2p − 1).</summary>
    private static List<double> NormalQuantiles(int count)
    {
        using var p = (arange(1, count + 1, ScalarType.Float64) - 0.5) / count;
        using var z = Math.Sqrt(2) * special.erfinv(2 * p - 1);
        return z.data<double>().ToList();
    }
}
