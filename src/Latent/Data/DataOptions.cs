namespace Latent.Data;

/// <summary>
/// Where a model's data comes from and how it is prepared. <see cref="Path"/> is an IDX folder, a .npz/.npy file, a CSV/TSV file
/// or an ImageFolder tree (null: the embedded MNIST); the test part comes from the same source, from <see cref="TestPath"/>, or
/// from a seeded <see cref="TestFraction"/> of the training examples.
/// </summary>
public sealed record DataOptions
{
    /// <summary>The data: IDX folder, .npz, .npy, .csv/.tsv or image folder; null for the embedded MNIST.</summary>
    public string? Path { get; init; }

    /// <summary>A separate file or folder (same format) holding the test examples.</summary>
    public string? TestPath { get; init; }

    /// <summary>Share of the training examples held out as the test part when the source has none (seeded by <see cref="Seed"/>).</summary>
    public double? TestFraction { get; init; }

    /// <summary>The CSV/TSV column holding the class label; "none" (or a missing column in unsupervised use) reads unlabelled data.</summary>
    public string LabelColumn { get; init; } = "label";

    /// <summary>
    /// Read real-valued targets instead of class labels: the CSV/TSV columns of these names (several give targets [N, L]; every
    /// other column is a feature), or the float y_train/y_test of an .npz (whose outputs these names then name). Null: class labels.
    /// </summary>
    public IReadOnlyList<string>? TargetColumns { get; init; }

    /// <summary>Read the <see cref="TargetColumns"/> when the data has them and plain inputs when it has none (new inputs to predict at).</summary>
    public bool TargetsOptional { get; init; }

    /// <summary>Standardise features (and real-valued targets) by training-set mean and standard deviation (kept with the model).</summary>
    public bool Standardize { get; init; }

    /// <summary>Seed of the test-fraction split.</summary>
    public long Seed { get; init; }

    /// <summary>The target column a regression command reads when none is named.</summary>
    public const string DefaultTargetColumn = "y";

    /// <summary>Default share held out when a source has no test part and no <see cref="TestFraction"/> is given.</summary>
    public const double DefaultTestFraction = 0.2;
}
