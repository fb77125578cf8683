namespace Latent.Data;

/// <summary>
/// A data set as every model reads it: a training part and a test part of float32 features [N, …] (vectors [N, D] or images
/// [N, C, H, W]) with optional int64 labels or float64 real-valued targets [N, L], the class count and names, the target names, and
/// the standardisation applied to the features and targets (if any).
/// </summary>
public sealed class Dataset : IDisposable
{
    /// <summary>Wraps two parts whose examples have the same shape; <paramref name="classCount"/> is 0 for unlabelled data.</summary>
    public Dataset(DataPart train, DataPart test, int classCount, IReadOnlyList<string>? classNames, string source, Standardization? standardization = null,
        DataProvenance? provenance = null, IReadOnlyList<string>? targetNames = null, TargetStandardization? targetStandardization = null)
    {
        if (train.Targets is null != test.Targets is null)
            throw new LatentException($"{source}: the training part {(train.Targets is null ? "has no" : "has")} real-valued targets but the test part {(test.Targets is null ? "has none" : "has them")}");
        if (train.Targets is { } targets && test.Targets!.shape[1] != targets.shape[1])
            throw new LatentException($"{source}: the training part has {targets.shape[1]} target columns but the test part {test.Targets.shape[1]}");
        var outputs = train.Targets?.shape[1] ?? 0;
        if (targetNames is not null && targetNames.Count != outputs)
            throw new LatentException($"{source}: {targetNames.Count} target names for {outputs} target columns");
        var trainShape = train.Features.shape.Skip(1).ToArray();
        var testShape = test.Features.shape.Skip(1).ToArray();
        if (!trainShape.SequenceEqual(testShape))
            throw new LatentException($"{source}: training examples have shape [{string.Join(", ", trainShape)}] but test examples [{string.Join(", ", testShape)}]");
        if (classNames is not null && classNames.Count != classCount)
            throw new LatentException($"{source}: {classNames.Count} class names for {classCount} classes");
        Train = train;
        Test = test;
        ClassCount = classCount;
        ClassNames = classNames ?? Enumerable.Range(0, classCount).Select(i => i.ToString(System.Globalization.CultureInfo.InvariantCulture)).ToArray();
        Source = source;
        Standardization = standardization;
        Provenance = provenance ?? DataProvenance.InMemory(source);
        TargetNames = outputs == 0 ? null : targetNames ?? Enumerable.Range(0, (int)outputs).Select(i => $"y{i}").ToArray();
        TargetStandardization = targetStandardization;
    }

    /// <summary>The training examples.</summary>
    public DataPart Train { get; }

    /// <summary>The held-out test examples.</summary>
    public DataPart Test { get; }

    /// <summary>Number of classes (labels lie in 0..ClassCount−1); 0 when the data is unlabelled.</summary>
    public int ClassCount { get; }

    /// <summary>A name for every class ("0", "1", … unless the file names them).</summary>
    public IReadOnlyList<string> ClassNames { get; }

    /// <summary>Where the data came from (a path, or "embedded MNIST"), used in messages.</summary>
    public string Source { get; }

    /// <summary>The files the data was read from and their SHA-256 (what a model trained on it records as trained_on).</summary>
    public DataProvenance Provenance { get; }

    /// <summary>The standardisation already applied to both parts' features, or null.</summary>
    public Standardization? Standardization { get; }

    /// <summary>A name per real-valued target column (null when the data has no targets).</summary>
    public IReadOnlyList<string>? TargetNames { get; }

    /// <summary>Training-set target statistics a model fits in and undoes on its predictions (the targets stay in the data's units), or null.</summary>
    public TargetStandardization? TargetStandardization { get; }

    /// <summary>True when both parts carry real-valued targets.</summary>
    public bool HasTargets => Train.Targets is not null;

    /// <summary>The shape of one example: [D] for vectors, [C, H, W] for images.</summary>
    public long[] ExampleShape => Train.Features.shape.Skip(1).ToArray();

    /// <summary>Number of features per example (the product of <see cref="ExampleShape"/>).</summary>
    public int FeatureCount => (int)ExampleShape.Aggregate(1L, (a, b) => a * b);

    /// <summary>True when the examples are images [C, H, W].</summary>
    public bool IsImage => ExampleShape.Length == 3;

    /// <summary>True when both parts carry labels.</summary>
    public bool IsLabelled => Train.Labels is not null && Test.Labels is not null;

    /// <summary>The same data with at most <paramref name="trainCount"/> training and <paramref name="testCount"/> test examples (views).</summary>
    public Dataset Take(long? trainCount, long? testCount) =>
        new(trainCount is { } a ? Train.Take(a) : Train, testCount is { } b ? Test.Take(b) : Test, ClassCount, ClassNames, Source, Standardization, Provenance,
            TargetNames, TargetStandardization);

    /// <summary>
    /// Both parts standardised by training-set feature statistics (kept in <see cref="Standardization"/>); with real-valued targets
    /// their training-set statistics are fitted too (<see cref="TargetStandardization"/>), for a model to fit in and undo on its
    /// predictions, while the targets themselves stay in the data's units.
    /// </summary>
    public Dataset Standardized()
    {
        var statistics = Standardization.Fit(Train.Features);
        var targets = Train.Targets is { } y ? TargetStandardization.Fit(y) : null;
        DataPart Part(DataPart part) => new(statistics.Apply(part.Features), part.Labels?.alias(), part.Targets?.alias());
        return new Dataset(Part(Train), Part(Test), ClassCount, ClassNames, Source, statistics, Provenance, TargetNames, targets);
    }

    /// <summary>Releases both parts.</summary>
    public void Dispose()
    {
        Train.Dispose();
        Test.Dispose();
    }
}
