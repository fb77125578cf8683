namespace Latent.Gp.Likelihoods;

/// <summary>Student-t observation noise (GPflow's StudentT): y = f + σ t_ν with ν degrees of freedom fixed and the scale σ trainable; heavy tails make it robust to outliers.</summary>
public sealed class StudentT : ScalarLikelihood
{
    private readonly ConstrainedParameter scale;

    /// <summary>Creates the likelihood with <paramref name="degreesOfFreedom"/> ν &gt; 2 (so that y has a variance) and scale σ.</summary>
    public StudentT(double degreesOfFreedom = 3.0, double scale = 1.0) : base(nameof(StudentT))
    {
        if (!(degreesOfFreedom > 2) || double.IsInfinity(degreesOfFreedom)) throw new LatentException($"Student-t likelihood: degrees of freedom must be a number above 2, got {degreesOfFreedom}");
        DegreesOfFreedom = degreesOfFreedom;
        this.scale = ConstrainedParameter.Positive([scale], "Student-t likelihood scale");
        RegisterComponents();
    }

    /// <summary>The degrees of freedom ν.</summary>
    public double DegreesOfFreedom { get; }

    /// <summary>The scale σ (constrained value).</summary>
    public double Scale => scale.Values[0];

    /// <summary>log Γ((ν+1)/2) − log Γ(ν/2) − ½ log νπ − log σ − (ν+1)/2 · log(1 + ((y − f)/σ)²/ν).</summary>
    public override Tensor LogDensity(Tensor f, Tensor y)
    {
        var nu = DegreesOfFreedom;
        var sigma = scale.Value;
        var constant = LogGamma((nu + 1) / 2) - LogGamma(nu / 2) - 0.5 * Math.Log(nu * Math.PI);
        return constant - sigma.log() - (nu + 1) / 2 * (((y - f) / sigma).square() / nu).log1p();
    }

    /// <inheritdoc />
    public override bool ObservesRealValues => true;

    /// <summary>E[y | f] = f.</summary>
    public override Tensor ConditionalMean(Tensor f) => f.alias();

    /// <summary>Var[y | f] = σ² ν / (ν − 2).</summary>
    public override Tensor ConditionalVariance(Tensor f) => (scale.Value.square() * (DegreesOfFreedom / (DegreesOfFreedom - 2))).expand_as(f);

    private static double LogGamma(double x)
    {
        using var value = lgamma(tensor(x, dtype: float64));
        return value.item<double>();
    }
}
