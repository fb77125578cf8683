namespace Latent.Gp.Likelihoods;

/// <summary>
/// A likelihood that factorises over outputs, p(y | f) = Πₗ p(yₗ | fₗ) (GPflow's ScalarLikelihood): a new one writes only the
/// log-density <see cref="LogDensity"/> and the conditional mean and variance of y given f, and inherits Gauss–Hermite
/// quadrature for the variational expectation, the predictive log-density and the predictive moments; likelihoods with closed
/// forms (Gaussian) override them. Targets y are [N, L] like the latent mean (or [N] with one latent GP).
/// </summary>
public abstract class ScalarLikelihood : Likelihood
{
    /// <summary>
    /// The scalar likelihoods by name → factory (the initial noise variance, which real-valued likelihoods start at and the others
    /// ignore); options, the CLI and config.json read these names, and a new likelihood is one line here.
    /// </summary>
    public static Registry<Func<double, ScalarLikelihood>> Registry { get; } = new Registry<Func<double, ScalarLikelihood>>("likelihood")
        .Add("gaussian", "Gaussian noise (closed forms)", noise => new Gaussian(noise))
        .Add("student-t", "Student-t noise with 3 degrees of freedom, robust to outliers", noise => new StudentT(scale: Math.Sqrt(noise)))
        .Add("poisson", "Poisson counts with the exp link", _ => new Poisson())
        .Add("bernoulli", "two classes 0/1 with the probit link", _ => new Bernoulli())
        .Add("bernoulli-logit", "two classes 0/1 with the logistic link", _ => new Bernoulli(BernoulliLink.Logit));

    private readonly GaussHermite quadrature;

    /// <summary>Creates the likelihood; its expectations use Gauss–Hermite quadrature with <paramref name="quadraturePoints"/> points per output.</summary>
    protected ScalarLikelihood(string name, int quadraturePoints = 20) : base(name) => quadrature = new GaussHermite(quadraturePoints);

    /// <summary>log p(y | f) elementwise (f and y broadcast against each other).</summary>
    public abstract Tensor LogDensity(Tensor f, Tensor y);

    /// <summary>E[y | f] elementwise.</summary>
    public abstract Tensor ConditionalMean(Tensor f);

    /// <summary>Var[y | f] elementwise.</summary>
    public abstract Tensor ConditionalVariance(Tensor f);

    /// <summary>True when y is any real number (Gaussian, Student-t), so targets may be standardised; false for counts and classes.</summary>
    public virtual bool ObservesRealValues => false;

    /// <summary>Checks that the targets are values this likelihood can observe (counts, 0/1, …); a bad value is a one-line error.</summary>
    public virtual void CheckTargets(Tensor y)
    {
        using var bad = y.isfinite().logical_not().any();
        if (bad.item<bool>()) throw new LatentException($"{GetName()} likelihood: y holds NaN or infinite values");
    }

    /// <summary>E[y | f].</summary>
    public override Tensor forward(Tensor f) => ConditionalMean(f);

    /// <summary>Σₗ E_q[log p(yₗ | fₗ)] by Gauss–Hermite quadrature: Σᵢ wᵢ/√π log p(y | μ + √(2v) xᵢ).</summary>
    public override Tensor VariationalExpectations(Tensor fMean, Tensor fVariance, Tensor y)
    {
        var targets = Targets(fMean, fVariance, y);
        var (points, weights) = Points(fMean, fVariance);
        return (LogDensity(points, targets.unsqueeze(0)) * weights).sum(0L).sum(1);
    }

    /// <summary>Σₗ log ∫ p(yₗ | f) q(f) df by Gauss–Hermite quadrature, summed in log space: log Σᵢ (wᵢ/√π) p(y | fᵢ).</summary>
    public override Tensor PredictLogDensity(Tensor fMean, Tensor fVariance, Tensor y)
    {
        var targets = Targets(fMean, fVariance, y);
        var (points, weights) = Points(fMean, fVariance);
        return (LogDensity(points, targets.unsqueeze(0)) + weights.log()).logsumexp(0).sum(1);
    }

    /// <summary>E[y] = E_q[E[y | f]] and Var[y] = E_q[Var[y | f]] + E_q[E[y | f]²] − E[y]², by Gauss–Hermite quadrature.</summary>
    public override (Tensor Mean, Tensor Variance) PredictMeanAndVariance(Tensor fMean, Tensor fVariance)
    {
        ValidateLatent(fMean, fVariance, 0);
        var (points, weights) = Points(fMean, fVariance);
        var conditionalMean = ConditionalMean(points);
        var mean = (conditionalMean * weights).sum(0L);
        var secondMoment = ((ConditionalVariance(points) + conditionalMean.square()) * weights).sum(0L);
        return (mean, (secondMoment - mean.square()).clamp_min(0.0));
    }

    /// <summary>The quadrature points μ + √(2v) xᵢ [n, N, L] and their normalised weights wᵢ/√π [n, 1, 1].</summary>
    private (Tensor Points, Tensor Weights) Points(Tensor fMean, Tensor fVariance)
    {
        var nodes = tensor(quadrature.Nodes.ToArray(), dtype: fMean.dtype, device: fMean.device).reshape(-1, 1, 1);
        var weights = tensor(quadrature.Weights.Select(w => w / Math.Sqrt(Math.PI)).ToArray(), dtype: fMean.dtype, device: fMean.device).reshape(-1, 1, 1);
        return (fMean.unsqueeze(0) + (2.0 * fVariance).sqrt().unsqueeze(0) * nodes, weights);
    }

    /// <summary>The targets as [N, L] in the latent mean's type after checking shapes and values ([N] is accepted with one latent GP).</summary>
    protected Tensor Targets(Tensor fMean, Tensor fVariance, Tensor y)
    {
        ValidateLatent(fMean, fVariance, 0);
        var targets = y.dim() == 1 && fMean.shape[1] == 1 ? y.unsqueeze(1) : y;
        if (!targets.shape.SequenceEqual(fMean.shape))
            throw new LatentException($"{GetName()} likelihood: y must be [{string.Join(", ", fMean.shape)}] like the latent mean, got [{string.Join(", ", y.shape)}]");
        targets = targets.to(fMean.dtype);
        CheckTargets(targets);
        return targets;
    }
}
