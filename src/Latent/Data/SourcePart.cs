using static TorchSharp.torch;

namespace Latent.Data;

/// <summary>
/// One part of a data source as a reader returns it, before class names are resolved: float32 features and either integer
/// labels, class-name labels (CSV strings, image sub-folders) or no labels.
/// </summary>
internal sealed record SourcePart(Tensor Features, long[]? Labels, string[]? LabelNames)
{
    /// <summary>Number of examples.</summary>
    public long Count => Features.shape[0];

    /// <summary>True when the labels are class names rather than integers.</summary>
    public bool HasNames => LabelNames is not null;
}
