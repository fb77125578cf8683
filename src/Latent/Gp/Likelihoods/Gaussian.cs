namespace Latent.Gp.Likelihoods;

/// <summary>Gaussian observation noise y = f + ε, ε ~ N(0, σ²), with σ² trainable; its expectations are closed forms.</summary>
public sealed class Gaussian : ScalarLikelihood
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

    /// <summary>log N(y | f, σ²).</summary>
    public override Tensor LogDensity(Tensor f, Tensor y) => -0.5 * Math.Log(2 * Math.PI) - 0.5 * VarianceTensor.log() - 0.5 * (y - f).square() / VarianceTensor;

    /// <inheritdoc />
    public override bool ObservesRealValues => true;

    /// <summary>E[y | f] = f.</summary>
    public override Tensor ConditionalMean(Tensor f) => f.alias();

    /// <summary>Var[y | f] = σ².</summary>
    public override Tensor ConditionalVariance(Tensor f) => VarianceTensor.expand_as(f);

    /// <summary>Σₗ −½ log 2πσ² − ((y − μ)² + v) / 2σ².</summary>
    public override Tensor VariationalExpectations(Tensor fMean, Tensor fVariance, Tensor y)
    {
        var targets = Targets(fMean, fVariance, y);
        var variance = VarianceTensor;
        return (-0.5 * Math.Log(2 * Math.PI) - 0.5 * variance.log() - 0.5 * ((targets - fMean).square() + fVariance) / variance).sum(1);
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
        var targets = Targets(fMean, fVariance, y);
        var total = fVariance + VarianceTensor;
        return (-0.5 * Math.Log(2 * Math.PI) - 0.5 * total.log() - 0.5 * (targets - fMean).square() / total).sum(1);
    }
}
