namespace Latent.Data;

/// <summary>One part of a data set (training or test): float32 features [N, …] and optional int64 labels [N] or float64 real-valued targets [N, L].</summary>
public sealed class DataPart : IDisposable
{
    /// <summary>Wraps features with labels or targets that were already validated to agree in length.</summary>
    public DataPart(Tensor features, Tensor? labels, Tensor? targets = null)
    {
        if (labels is not null && labels.shape[0] != features.shape[0])
            throw new LatentException($"{features.shape[0]} examples but {labels.shape[0]} labels");
        if (targets is not null && (targets.dim() != 2 || targets.shape[0] != features.shape[0]))
            throw new LatentException($"{features.shape[0]} examples but targets of shape [{string.Join(", ", targets.shape)}]");
        Features = features;
        Labels = labels;
        Targets = targets;
    }

    /// <summary>Features, float32 [N, …]: [N, D] for vectors, [N, C, H, W] for images.</summary>
    public Tensor Features { get; }

    /// <summary>Class labels, int64 [N], or null for unlabelled data.</summary>
    public Tensor? Labels { get; }

    /// <summary>Real-valued targets, float64 [N, L], or null when the data has none.</summary>
    public Tensor? Targets { get; }

    /// <summary>Number of examples.</summary>
    public long Count => Features.shape[0];

    /// <summary>The features flattened to float32 [N, D] (a view where possible).</summary>
    public Tensor Flat() => Features.reshape(Count, -1);

    /// <summary>The labels, or a one-line error naming <paramref name="purpose"/> when the data has none.</summary>
    public Tensor RequireLabels(string purpose) =>
        Labels ?? throw new LatentException($"{purpose} needs labelled data, but this data set has no labels");

    /// <summary>The real-valued targets, or a one-line error naming <paramref name="purpose"/> when the data has none.</summary>
    public Tensor RequireTargets(string purpose) =>
        Targets ?? throw new LatentException($"{purpose} needs real-valued targets (a target column), but this data set has none");

    /// <summary>The first <paramref name="count"/> examples (views, not copies).</summary>
    public DataPart Take(long count)
    {
        var n = Math.Min(count, Count);
        return new DataPart(Features.narrow(0, 0, n), Labels?.narrow(0, 0, n), Targets?.narrow(0, 0, n));
    }

    /// <summary>The examples at <paramref name="indices"/> (int64 [K]), copied.</summary>
    public DataPart Select(Tensor indices) => new(Features.index_select(0, indices), Labels?.index_select(0, indices), Targets?.index_select(0, indices));

    /// <summary>These examples in the units a model was fitted in: <paramref name="standardization"/> applied to the features (the same tensors when null).</summary>
    public DataPart StandardizedBy(Standardization? standardization) =>
        standardization is null ? new DataPart(Features.alias(), Labels?.alias(), Targets?.alias()) : new DataPart(standardization.Apply(Features), Labels?.alias(), Targets?.alias());

    /// <summary>Releases the native tensors.</summary>
    public void Dispose()
    {
        Features.Dispose();
        Labels?.Dispose();
        Targets?.Dispose();
    }
}
