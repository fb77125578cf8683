namespace Latent.Data;

/// <summary>
/// Per-output standardisation of real-valued targets y ↦ (y − mean) / scale with training-set statistics (float64, [L] each);
/// saved with a model and undone on its predictions.
/// </summary>
public sealed record TargetStandardization(double[] Mean, double[] Scale)
{
    /// <summary>Means and standard deviations of the columns of <paramref name="targets"/> [N, L]; a constant column gets scale 1.</summary>
    public static TargetStandardization Fit(Tensor targets)
    {
        using var scope = NewDisposeScope();
        var values = targets.to(ScalarType.Float64);
        var mean = values.mean([0]);
        var std = values.shape[0] > 1 ? values.std(0, unbiased: false) : zeros_like(mean);
        var scale = where(std.gt(1e-12), std, ones_like(std));
        return new TargetStandardization(mean.data<double>().ToArray(), scale.data<double>().ToArray());
    }

    /// <summary>This standardisation after checking, for a saved model read from <paramref name="source"/>, that it has <paramref name="outputs"/> finite means and positive finite scales.</summary>
    public TargetStandardization Checked(int outputs, string source)
    {
        if (Mean is null || Scale is null || Mean.Length != outputs || Scale.Length != outputs)
            throw new LatentException($"{source}: the target standardisation needs {outputs} means and scales, found {Mean?.Length ?? 0} and {Scale?.Length ?? 0}");
        if (Mean.Any(m => !double.IsFinite(m)) || Scale.Any(s => !(s > 0 && double.IsFinite(s))))
            throw new LatentException($"{source}: the target standardisation holds a non-finite mean or a scale that is not positive");
        return this;
    }

    /// <summary>Standardised float64 copy of targets [N, L].</summary>
    public Tensor Apply(Tensor targets)
    {
        using var scope = NewDisposeScope();
        var values = targets.to(ScalarType.Float64);
        return ((values - tensor(Mean, device: targets.device)) / tensor(Scale, device: targets.device)).MoveToOuterDisposeScope();
    }

    /// <summary>Predictive means [N, L] in standardised units mapped back to the data's units.</summary>
    public Tensor InvertMean(Tensor mean)
    {
        using var scope = NewDisposeScope();
        return (mean * tensor(Scale, device: mean.device) + tensor(Mean, device: mean.device)).MoveToOuterDisposeScope();
    }

    /// <summary>Predictive variances [N, L] in standardised units mapped back to the data's units (times scale²).</summary>
    public Tensor InvertVariance(Tensor variance)
    {
        using var scope = NewDisposeScope();
        return (variance * tensor(Scale, device: variance.device).square()).MoveToOuterDisposeScope();
    }

    /// <summary>The log-density correction −Σₗ log scaleₗ per point: log p(y) = log p(y standardised) − Σₗ log scaleₗ.</summary>
    public double LogJacobian => -Scale.Sum(Math.Log);
}
