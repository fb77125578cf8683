using static TorchSharp.torch;

namespace Latent.Gp.Likelihoods;

/// <summary>Gaussian observation noise y = f + ε, ε ~ N(0, σ²), with σ² trainable.</summary>
public sealed class Gaussian : Likelihood
{
    private readonly ConstrainedParameter variance;

    /// <summary>Creates the likelihood with noise variance σ².</summary>
    public Gaussian(double variance = 1.0) : base(nameof(Gaussian))
    {
        this.variance = ConstrainedParameter.Positive([variance], "Gaussian likelihood variance");
        RegisterComponents();
    }

    /// <summary>The noise variance σ² (constrained value).</summary>
    public double Variance => this.variance.Values[0];

    /// <summary>The noise variance as a differentiable tensor.</summary>
    public Tensor VarianceTensor => this.variance.Value;

    /// <summary>E[y | f] = f.</summary>
    public override Tensor forward(Tensor f) => f;

    /// <summary>Σₗ −½ log 2πσ² − ((y − μ)² + v) / 2σ².</summary>
    public override Tensor VariationalExpectations(Tensor fMean, Tensor fVariance, Tensor y)
    {
        Validate(fMean, fVariance, y);
        var variance = VarianceTensor;
        return (-0.5 * Math.Log(2 * Math.PI) - 0.5 * variance.log() - 0.5 * ((y - fMean).square() + fVariance) / variance).sum(1);
    }

    /// <summary>(μ, v + σ²).</summary>
    public override (Tensor Mean, Tensor Variance) PredictMeanAndVariance(Tensor fMean, Tensor fVariance)
    {
        ValidateLatent(fMean, fVariance, 0);
        return (fMean.alias(), fVariance + VarianceTensor);
    }

    /// <summary>Σₗ log N(y | μ, v + σ²).</summary>
    public override Tensor PredictLogDensity(Tensor fMean, Tensor fVariance, Tensor y)
    {
        Validate(fMean, fVariance, y);
        var total = fVariance + VarianceTensor;
        return (-0.5 * Math.Log(2 * Math.PI) - 0.5 * total.log() - 0.5 * (y - fMean).square() / total).sum(1);
    }

    private void Validate(Tensor fMean, Tensor fVariance, Tensor y)
    {
        ValidateLatent(fMean, fVariance, 0);
        if (!y.shape.SequenceEqual(fMean.shape)) throw new LatentException($"Gaussian likelihood: y must be [{string.Join(", ", fMean.shape)}] like the latent mean, got [{string.Join(", ", y.shape)}]");
    }
}
