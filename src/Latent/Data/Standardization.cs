namespace Latent.Data;

/// <summary>Per-feature standardisation x ↦ (x − mean) / scale with training-set statistics; saved with a model and applied at evaluation.</summary>
public sealed record Standardization(float[] Mean, float[] Scale)
{
    /// <summary>Feature means and standard deviations of <paramref name="features"/> [N, …]; a constant feature gets scale 1.</summary>
    public static Standardization Fit(Tensor features)
    {
        using var scope = NewDisposeScope();
        var flat = features.reshape(features.shape[0], -1).to(ScalarType.Float64);
        var mean = flat.mean(new long[] { 0 });
        var std = flat.shape[0] > 1 ? flat.std(0, unbiased: false) : zeros_like(mean);
        var scale = where(std.gt(1e-12), std, ones_like(std));
        return new Standardization(mean.to(ScalarType.Float32).data<float>().ToArray(), scale.to(ScalarType.Float32).data<float>().ToArray());
    }

    /// <summary>This standardisation after checking, for a saved model read from <paramref name="source"/>, that it has <paramref name="featureCount"/> finite means and positive finite scales.</summary>
    public Standardization Checked(long featureCount, string source)
    {
        if (Mean is null || Scale is null || Mean.Length != featureCount || Scale.Length != featureCount)
            throw new LatentException($"{source}: the standardisation needs {featureCount} means and scales, found {Mean?.Length ?? 0} and {Scale?.Length ?? 0}");
        if (Mean.Any(m => !float.IsFinite(m)) || Scale.Any(s => !(s > 0 && float.IsFinite(s))))
            throw new LatentException($"{source}: the standardisation holds a non-finite mean or a scale that is not positive");
        return this;
    }

    /// <summary>Standardised copy of <paramref name="features"/> [N, …] (same shape).</summary>
    public Tensor Apply(Tensor features)
    {
        var featureCount = features.numel() / Math.Max(1, features.shape[0]);
        if (featureCount != Mean.Length)
            throw new LatentException($"standardisation was fitted to {Mean.Length} features, the data has {featureCount}");
        using var scope = NewDisposeScope();
        var shape = features.shape;
        var flat = features.reshape(shape[0], -1);
        var result = flat.sub(tensor(Mean, device: features.device)).div(tensor(Scale, device: features.device)).reshape(shape);
        return result.MoveToOuterDisposeScope();
    }

    /// <summary>Undoes <see cref="Apply"/>: maps standardised features back to the original units.</summary>
    public Tensor Invert(Tensor standardized)
    {
        using var scope = NewDisposeScope();
        var shape = standardized.shape;
        var flat = standardized.reshape(shape[0], -1);
        return flat.mul(tensor(Scale, device: standardized.device)).add(tensor(Mean, device: standardized.device)).reshape(shape).MoveToOuterDisposeScope();
    }
}
