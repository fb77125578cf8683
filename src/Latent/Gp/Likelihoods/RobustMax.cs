namespace Latent.Gp.Likelihoods;

/// <summary>
/// The robust-max inverse link (Hernández-Lobato et al. 2011; GPflow's RobustMax): the class with the largest latent value
/// gets probability 1 − ε and every other class ε / (K − 1).
/// </summary>
public sealed class RobustMax : MulticlassLink
{
    private readonly GaussHermite quadrature;

    /// <summary>Creates the link with label-noise rate ε and the Gauss–Hermite points used for "is largest" probabilities.</summary>
    public RobustMax(double epsilon = 1e-3, int quadraturePoints = 20) : base(nameof(RobustMax))
    {
        if (!(epsilon > 0 && epsilon < 1)) throw new LatentException($"RobustMax epsilon must lie in (0, 1), got {epsilon}");
        Epsilon = epsilon;
        quadrature = new GaussHermite(quadraturePoints);
        RegisterComponents();
    }

    /// <summary>The probability mass ε spread over the classes that are not the largest.</summary>
    public double Epsilon { get; }

    /// <summary>Class-probability samples from latent samples [..., K]: one-hot(argmax f) · (1 − ε − ε/(K − 1)) + ε/(K − 1).</summary>
    public override Tensor forward(Tensor f)
    {
        var classes = f.shape[^1];
        if (classes < 2) throw new LatentException($"RobustMax needs at least two classes, got {classes}");
        var other = Epsilon / (classes - 1);
        var oneHot = nn.functional.one_hot(f.argmax(-1), classes).to(f.dtype);
        return oneHot * (1.0 - Epsilon - other) + other;
    }

    /// <summary>p log(1 − ε) + (1 − p) log(ε / (K − 1)), with p the probability that the observed class's latent is the largest.</summary>
    public override Tensor VariationalExpectations(Tensor fMean, Tensor fVariance, Tensor labels)
    {
        var p = ProbabilityIsLargest(fMean, fVariance, labels);
        var classes = fMean.shape[1];
        return p * Math.Log(1.0 - Epsilon) + (1.0 - p) * Math.Log(Epsilon / (classes - 1));
    }

    /// <summary>
    /// For each class k: P(f_k is the largest) · (1 − ε) + (1 − P) · ε / (K − 1), with P from <see cref="LargestGaussian"/>
    /// (absolute error below 1e−6 for variances 1e−2…1e2 and mean gaps up to ±20; rows sum to 1 within rounding).
    /// </summary>
    public override Tensor PredictProbabilities(Tensor fMean, Tensor fVariance)
    {
        var classes = fMean.shape[1];
        var p = LargestGaussian.Probabilities(fMean, fVariance);
        return p * (1.0 - Epsilon) + (1.0 - p) * (Epsilon / (classes - 1));
    }

    /// <summary>log of the predictive probability of each observed label, from the same probabilities as <see cref="PredictProbabilities"/>.</summary>
    public override Tensor PredictLogDensity(Tensor fMean, Tensor fVariance, Tensor labels) =>
        PredictProbabilities(fMean, fVariance).gather(1, labels.unsqueeze(1)).squeeze(1).log();

    /// <summary>
    /// P(f_y &gt; f_j for all j ≠ y) under independent Gaussians: ∫ N(x | μ_y, v_y) Π_{j≠y} Φ((x − μ_j)/√v_j) dx, by Gauss–Hermite
    /// quadrature over x (GPflow's RobustMax.prob_is_largest), used by the training objective. Its error is small where the
    /// other classes' variances are comparable to the selected one's (below 1e−3 for variances within a factor 4) and grows
    /// to about 1e−2 when they are much narrower (their CDFs switch between nodes); <see cref="PredictProbabilities"/> does not use it.
    /// </summary>
    public Tensor ProbabilityIsLargest(Tensor fMean, Tensor fVariance, Tensor labels)
    {
        var classes = fMean.shape[1];
        var selected = nn.functional.one_hot(labels, classes).to(fMean.dtype);
        var selectedMean = (fMean * selected).sum(1, keepdim: true);
        var selectedVariance = (fVariance * selected).sum(1, keepdim: true);
        using var nodes = tensor(quadrature.Nodes.ToArray(), dtype: fMean.dtype, device: fMean.device);
        using var weights = tensor(quadrature.Weights.Select(w => w / Math.Sqrt(Math.PI)).ToArray(), dtype: fMean.dtype, device: fMean.device);
        var points = selectedMean + (2.0 * selectedVariance).sqrt() * nodes.unsqueeze(0);
        var standardized = (points.unsqueeze(1) - fMean.unsqueeze(2)) / fVariance.sqrt().unsqueeze(2);
        var mask = selected.unsqueeze(2);
        var cdfs = NormalCdf.Cdf(standardized) * (1.0 - mask) + mask;
        return cdfs.prod(1).matmul(weights);
    }
}
