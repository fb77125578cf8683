namespace Latent.Gp.Likelihoods;

/// <summary>Categorical observations y ∈ {0, …, K − 1} with K latent GPs and a chosen inverse link (RobustMax or Softmax).</summary>
public sealed class MultiClass : Likelihood
{
    private readonly MulticlassLink link;

    /// <summary>Creates the likelihood for the given number of classes and inverse link.</summary>
    public MultiClass(int classCount, MulticlassLink link) : base(nameof(MultiClass))
    {
        if (classCount < 2) throw new LatentException($"MultiClass needs at least two classes, got {classCount}");
        ClassCount = classCount;
        this.link = link;
        RegisterComponents();
    }

    /// <summary>The number of classes K (= number of latent GPs).</summary>
    public int ClassCount { get; }

    /// <summary>The inverse link.</summary>
    public MulticlassLink Link => link;

    /// <summary>Class probabilities p(y | f) for latent values (or latent samples) [..., K].</summary>
    public override Tensor forward(Tensor f)
    {
        if (f.shape[^1] != ClassCount) throw new LatentException($"MultiClass: latent values must end in {ClassCount} classes, got [{string.Join(", ", f.shape)}]");
        return link.forward(f);
    }

    /// <summary>Turns latent samples [S, N, K] into class-probability samples of the same shape.</summary>
    public Tensor ClassProbabilitiesFromLatent(Tensor latentSamples) => forward(latentSamples);

    /// <inheritdoc />
    public override Tensor VariationalExpectations(Tensor fMean, Tensor fVariance, Tensor y)
    {
        ValidateLabels(fMean, fVariance, y);
        return link.VariationalExpectations(fMean, fVariance, y);
    }

    /// <summary>Predictive class probabilities p [N, K] and the indicator variances p(1 − p).</summary>
    public override (Tensor Mean, Tensor Variance) PredictMeanAndVariance(Tensor fMean, Tensor fVariance)
    {
        ValidateLatent(fMean, fVariance, ClassCount);
        var p = link.PredictProbabilities(fMean, fVariance);
        return (p, p - p.square());
    }

    /// <inheritdoc />
    public override Tensor PredictLogDensity(Tensor fMean, Tensor fVariance, Tensor y)
    {
        ValidateLabels(fMean, fVariance, y);
        return link.PredictLogDensity(fMean, fVariance, y);
    }

    private void ValidateLabels(Tensor fMean, Tensor fVariance, Tensor labels)
    {
        ValidateLatent(fMean, fVariance, ClassCount);
        if (labels.dim() != 1 || labels.shape[0] != fMean.shape[0] || labels.dtype != int64)
            throw new LatentException($"MultiClass: labels must be int64 [{fMean.shape[0]}], got {labels.dtype} [{string.Join(", ", labels.shape)}]");
        if (labels.shape[0] > 0 && (labels.min().item<long>() < 0 || labels.max().item<long>() >= ClassCount))
            throw new LatentException($"MultiClass: labels must lie in 0..{ClassCount - 1}");
    }
}
