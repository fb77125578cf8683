namespace Latent.Data;

/// <summary>
/// One part of a data source as a reader returns it, before class names are resolved: float32 features and either integer
/// labels, class-name labels (CSV strings, image sub-folders), float64 real-valued targets [N, L], or none of these.
/// </summary>
internal sealed record SourcePart(Tensor Features, long[]? Labels, string[]? LabelNames, Tensor? Targets = null)
{
    /// <summary>Number of examples.</summary>
    public long Count => Features.shape[0];

    /// <summary>True when the labels are class names rather than integers.</summary>
    public bool HasNames => LabelNames is not null;
}
