namespace Latent.IO;

/// <summary>
/// config.json's "data" section: what a model reads and how raw inputs are brought into its space — the shape of one example,
/// the class (or target) names, and the standardisations of features and real-valued targets fitted on the training data. Text
/// models leave it empty.
/// </summary>
/// <param name="ExampleShape">The shape of one example ([D] or [C, H, W]); null for text models.</param>
/// <param name="ClassNames">A name per class, index = class; null when the model does not classify.</param>
/// <param name="TargetNames">A name per real-valued target column; null when the model has none.</param>
/// <param name="Standardization">Training-set feature statistics applied to every input; null for none.</param>
/// <param name="TargetStandardization">Training-set target statistics the model was fitted in, undone on its predictions; null for none.</param>
public sealed record DataDescription(long[]? ExampleShape = null, IReadOnlyList<string>? ClassNames = null, IReadOnlyList<string>? TargetNames = null,
    Standardization? Standardization = null, TargetStandardization? TargetStandardization = null)
{
    /// <summary>The description of a classifier's, density model's or regression model's inputs (and targets, if any) read from <paramref name="data"/>.</summary>
    public static DataDescription Of(Dataset data, bool classes) =>
        new(data.ExampleShape, classes ? data.ClassNames.ToArray() : null, data.TargetNames?.ToArray(), data.Standardization, data.TargetStandardization);

    /// <summary>A classifier's inputs: <paramref name="classCount"/> classes named by <paramref name="classNames"/> (default "0", "1", …).</summary>
    public static DataDescription ForClassifier(IReadOnlyList<long> exampleShape, int classCount, IReadOnlyList<string>? classNames, Standardization? standardization) =>
        new(exampleShape.ToArray(), (classNames ?? Enumerable.Range(0, classCount).Select(i => i.ToString(System.Globalization.CultureInfo.InvariantCulture))).ToArray(), null, standardization);

    /// <summary>The number of features per example (the product of <see cref="ExampleShape"/>; 0 without one).</summary>
    public int FeatureCount => ExampleShape is null ? 0 : checked((int)ExampleShape.Aggregate(1L, (a, b) => a * b));

    /// <summary>The number of classes (0 when the model does not classify).</summary>
    public int ClassCount => ClassNames?.Count ?? 0;

    /// <summary>The number of real-valued target columns (0 when the model has none).</summary>
    public int TargetCount => TargetNames?.Count ?? 0;

    /// <summary>Raw features of a data part brought into the model's input space (the standardisation applied, if any); targets stay in the data's units.</summary>
    public DataPart Preprocessed(DataPart raw) => raw.StandardizedBy(Standardization);
}
