using Latent.Distributions;

namespace Latent.Vae;

/// <summary>
/// Measures how noisy a Monte Carlo estimate of the ELBO gradient with respect to the encoder parameters is:
/// the same batch, the same ELBO (analytic KL, one sample of z per example), repeated with fresh noise.
/// </summary>
/// <param name="Estimator">Which estimator of the expectation term was used.</param>
/// <param name="Repeats">How many independent gradient estimates were drawn.</param>
/// <param name="TotalVariance">Trace of the covariance of the gradient vector: the sum over parameters of the per-coordinate variance.</param>
/// <param name="MeanGradient">The average of the estimates, a float64 vector over all encoder parameters.</param>
public sealed record GradientVariance(GradientEstimator Estimator, int Repeats, double TotalVariance, Tensor MeanGradient)
{
    /// <summary>Euclidean norm of the average gradient (the signal the noise is compared with).</summary>
    public double MeanNorm => MeanGradient.norm().item<double>();

    /// <summary>Draws <paramref name="repeats"/> encoder-gradient estimates of the ELBO on batch x with <paramref name="estimator"/>.</summary>
    public static GradientVariance Measure(VariationalAutoencoder model, Tensor x, GradientEstimator estimator, int repeats, Generator? generator = null)
    {
        if (repeats < 2) throw new LatentException($"gradient variance needs at least 2 repeats, got {repeats}");
        var parameters = model.EncoderParameters().ToList();
        Tensor? sum = null, sumSquares = null;
        for (int r = 0; r < repeats; r++)
        {
            using var scope = NewDisposeScope();
            foreach (var p in model.parameters()) p.grad = null;
            Surrogate(model, x, estimator, generator).backward();
            var gradient = cat(parameters.Select(p => p.grad!.reshape(-1)).ToList()).to(ScalarType.Float64);
            if (sum is null) { sum = zeros_like(gradient).DetachFromDisposeScope(); sumSquares = zeros_like(gradient).DetachFromDisposeScope(); }
            sum.add_(gradient);
            sumSquares!.add_(gradient.square());
        }
        foreach (var p in model.parameters()) p.grad = null;
        var mean = sum! / repeats;
        using var variance = (sumSquares! - repeats * mean.square()) / (repeats - 1);
        var result = new GradientVariance(estimator, repeats, variance.sum().item<double>(), mean);
        sum!.Dispose();
        sumSquares!.Dispose();
        return result;
    }

    /// <summary>A loss whose gradient is minus the chosen ELBO gradient estimate (averaged over the batch).</summary>
    private static Tensor Surrogate(VariationalAutoencoder model, Tensor x, GradientEstimator estimator, Generator? generator)
    {
        var posterior = model.Encode(x);
        var kl = Kl.FromStandardNormal(posterior);
        if (estimator == GradientEstimator.Reparameterized)
            return -(model.Decode(posterior.RSample(generator)).LogProb(x) - kl).mean();
        var z = posterior.RSample(generator).detach();
        var reward = model.Decode(z).LogProb(x).detach();
        return -(reward * posterior.LogProb(z) - kl).mean();
    }
}
