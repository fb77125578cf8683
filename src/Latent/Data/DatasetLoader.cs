namespace Latent.Data;

/// <summary>Reads a <see cref="Dataset"/> from any supported source (see <see cref="DataOptions"/>), validating it on the way in.</summary>
public static class DatasetLoader
{
    /// <summary>The embedded MNIST, as a data set of [1, 28, 28] images with 10 classes.</summary>
    public static Dataset EmbeddedMnist() => Load(new DataOptions());

    /// <summary>Loads, splits and (optionally) standardises the data named by <paramref name="options"/>.</summary>
    public static Dataset Load(DataOptions options)
    {
        LatentRuntime.Initialize();
        var path = options.Path ?? DataPaths.Mnist();
        var source = options.Path ?? "embedded MNIST";
        if (options.TargetColumns is { Count: 0 }) throw new LatentException("no target column named (give at least one)");
        if (options.TargetColumns is { } named && named.Distinct().Count() != named.Count) throw new LatentException($"target column named twice: {string.Join(", ", named)}");
        var (train, test) = ReadSource(path, options);
        if (options.TestPath is { } testPath)
        {
            Dispose(test);
            var (testTrain, testTest) = ReadSource(testPath, options);
            test = testTest ?? testTrain;
            if (testTest is not null) Dispose(testTrain);
        }
        var classNames = ClassNames(train, test, path);
        var trainPart = ToDataPart(train, classNames);
        var testPart = test is null ? null : ToDataPart(test, classNames);
        if (testPart is null || options.TestFraction is not null && options.TestPath is null)
        {
            var (kept, heldOut) = Split(trainPart, options.TestFraction ?? DataOptions.DefaultTestFraction, options.Seed, path);
            testPart?.Dispose();
            trainPart = kept;
            testPart = heldOut;
        }
        if (trainPart.Count == 0) throw new LatentException($"{path}: no training examples");
        var classCount = ClassCount(trainPart, testPart, path);
        var provenance = DataProvenance.FromPaths(source, options.TestPath is { } testFile ? [path, testFile] : [path]);
        var targetNames = options.TargetsOptional && trainPart.Targets is null ? null : TargetNames(trainPart, options.TargetColumns, path);
        var dataset = new Dataset(trainPart, testPart, classNames?.Count ?? classCount, classNames, source, provenance: provenance, targetNames: targetNames);
        if (!options.Standardize) return dataset;
        using (dataset) return dataset.Standardized();
    }

    /// <summary>The names of the target columns: the CSV's column names, or for an .npz the given names when they match its outputs (else y0, y1, …).</summary>
    private static IReadOnlyList<string>? TargetNames(DataPart train, IReadOnlyList<string>? columns, string path)
    {
        if (columns is null) return null;
        if (train.Targets is null) throw new LatentException($"{path}: no real-valued targets (an .npz needs a y_train member; a CSV/TSV the target column)");
        var outputs = train.Targets.shape[1];
        return columns.Count == outputs ? columns : null;
    }

    /// <summary>The training part and, where the source has one, the test part, by the kind of <paramref name="path"/>.</summary>
    private static (SourcePart Train, SourcePart? Test) ReadSource(string path, DataOptions options)
    {
        (SourcePart Train, SourcePart? Test) parts;
        try
        {
            parts = ReadParts(path, options);
        }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException)
        {
            throw new LatentException($"{path}: cannot read ({e.Message.ReplaceLineEndings(" ")})", e);
        }
        var (train, test) = parts;
        foreach (var part in new[] { train, test })
        {
            if (part is null) continue;
            if (part.Count == 0) throw new LatentException($"{path}: no examples (empty data)");
            if (part.Features.numel() == 0) throw new LatentException($"{path}: examples have no features");
        }
        return (train, test);
    }

    private static (SourcePart Train, SourcePart? Test) ReadParts(string path, DataOptions options)
    {
        var targets = options.TargetColumns is not null;
        if (Directory.Exists(path))
        {
            if (targets) throw new LatentException($"{path}: a folder of images has class labels, not real-valued targets (use a .csv/.tsv or an .npz)");
            return !HasIdxFiles(path) && ImageFolderReader.IsImageFolder(path) ? ImageFolderReader.Read(path) : ReadIdxFolder(path);
        }
        if (!File.Exists(path)) throw new LatentException($"{path}: no such file or folder");
        var extension = Path.GetExtension(path).ToLowerInvariant();
        return extension switch
        {
            ".npz" => ReadNpz(path, targets),
            ".npy" when targets => throw new LatentException($"{path}: a .npy file holds features only; real-valued targets need a .csv/.tsv or an .npz with y_train"),
            ".npy" => (Part(NpyReader.Read(path), null, path, false), null),
            ".csv" or ".tsv" => (CsvDataReader.Read(path, options.LabelColumn, options.TargetColumns, options.TargetsOptional), null),
            _ => throw new LatentException($"{path}: unknown data file extension '{extension}' (expected .npz, .npy, .csv, .tsv, an image folder or a folder of MNIST-format IDX files)"),
        };
    }

    private static (SourcePart, SourcePart?) ReadNpz(string path, bool targets)
    {
        var arrays = NpzReader.Read(path, "x_train", "y_train", "x_test", "y_test");
        if (!arrays.TryGetValue("x_train", out var xTrain))
            throw new LatentException($"{path}: no x_train member (the archive holds: {string.Join(", ", NpzReader.MemberNames(path).DefaultIfEmpty("nothing"))})");
        if (!arrays.ContainsKey("x_test") && arrays.ContainsKey("y_test")) throw new LatentException($"{path}: y_test without x_test");
        var train = Part(xTrain, arrays.GetValueOrDefault("y_train"), path, targets);
        var test = arrays.TryGetValue("x_test", out var xTest) ? Part(xTest, arrays.GetValueOrDefault("y_test"), path, targets) : null;
        return (train, test);
    }

    /// <summary>Features from <paramref name="x"/> with, from <paramref name="y"/>, class labels or (when <paramref name="targets"/>) real-valued targets.</summary>
    private static SourcePart Part(NpyArray x, NpyArray? y, string path, bool targets)
    {
        if (targets && y is not null)
        {
            var values = y.ToTargets();
            if (x.Shape.Length == 0 || values.shape[0] != x.Shape[0])
            {
                var count = values.shape[0];
                values.Dispose();
                throw new LatentException($"{path}: {Name(x)} holds {(x.Shape.Length == 0 ? 1 : x.Shape[0])} examples but {Name(y)} holds {count} targets");
            }
            return new SourcePart(ArrayLayout.ToFeatures(x.ToFeatures(), x.Description), null, null, values);
        }
        var labels = y?.ToLabels();
        if (labels is not null && (x.Shape.Length == 0 || labels.Length != x.Shape[0]))
            throw new LatentException($"{path}: {Name(x)} holds {(x.Shape.Length == 0 ? 1 : x.Shape[0])} examples but {Name(y!)} holds {labels.Length} labels");
        return new SourcePart(ArrayLayout.ToFeatures(x.ToFeatures(), x.Description), labels, null);
    }

    private static string Name(NpyArray array) => array.Description.Split(": member ") is [_, var member] ? member : "the array";

    private static bool HasIdxFiles(string directory) => Directory.EnumerateFiles(directory).Select(Path.GetFileName)
        .Any(name => name!.StartsWith("train-images", StringComparison.Ordinal) || name.StartsWith("t10k-images", StringComparison.Ordinal));

    private static (SourcePart, SourcePart?) ReadIdxFolder(string directory)
    {
        using var train = Mnist.Load(directory, MnistSplit.Train);
        using var test = Mnist.Load(directory, MnistSplit.Test);
        return (AsImages(train), AsImages(test));
    }

    /// <summary>
    /// The class names when the labels are names (the sorted union over both parts), null for integer or absent labels; a part
    /// labelled by names beside one labelled by integers is refused.
    /// </summary>
    private static IReadOnlyList<string>? ClassNames(SourcePart train, SourcePart? test, string source)
    {
        static bool Labelled(SourcePart part) => part.Labels is not null || part.LabelNames is not null;
        if (test is not null && Labelled(train) && Labelled(test) && test.HasNames != train.HasNames)
            throw new LatentException($"{source}: the training labels are {(train.HasNames ? "class names" : "integers")} but the test labels are {(test.HasNames ? "class names" : "integers")}");
        if (!train.HasNames) return null;
        return train.LabelNames!.Concat(test?.LabelNames ?? Enumerable.Empty<string>()).Distinct().Order(StringComparer.Ordinal).ToArray();
    }

    private static DataPart ToDataPart(SourcePart part, IReadOnlyList<string>? classNames)
    {
        if (part.LabelNames is { } names)
        {
            var index = classNames!.Select((name, i) => (name, i)).ToDictionary(p => p.name, p => (long)p.i);
            return new DataPart(part.Features, tensor(names.Select(n => index[n]).ToArray()));
        }
        return new DataPart(part.Features, part.Labels is null ? null : tensor(part.Labels), part.Targets);
    }

    private static void Dispose(SourcePart? part)
    {
        part?.Features.Dispose();
        part?.Targets?.Dispose();
    }

    private static SourcePart AsImages(MnistData data) =>
        new(data.Images.reshape(data.Count, 1, data.Rows, data.Columns).alias(), data.Labels.data<long>().ToArray(), null);

    /// <summary>Holds out a seeded random <paramref name="fraction"/> of <paramref name="data"/> as the test part.</summary>
    public static (DataPart Train, DataPart Test) Split(DataPart data, double fraction, long seed, string source)
    {
        if (!(fraction > 0 && fraction < 1)) throw new LatentException($"test fraction must lie strictly between 0 and 1, got {fraction}");
        var testCount = (long)Math.Round(data.Count * fraction);
        if (testCount < 1 || testCount >= data.Count)
            throw new LatentException($"{source}: {data.Count} examples are too few to hold out a test fraction of {fraction}");
        using var generator = new Generator((ulong)seed, CPU);
        using var order = randperm(data.Count, generator: generator);
        using var testIndices = order.narrow(0, 0, testCount);
        using var trainIndices = order.narrow(0, testCount, data.Count - testCount);
        var result = (data.Select(trainIndices), data.Select(testIndices));
        data.Dispose();
        return result;
    }

    /// <summary>The number of classes (largest label + 1) after checking both parts agree on being labelled and labels are non-negative.</summary>
    private static int ClassCount(DataPart train, DataPart test, string source)
    {
        if (train.Labels is null != test.Labels is null)
            throw new LatentException($"{source}: the training part is {(train.Labels is null ? "unlabelled" : "labelled")} but the test part is {(test.Labels is null ? "unlabelled" : "labelled")}");
        if (train.Labels is null || test.Labels is null) return 0;
        long minimum = Math.Min(train.Labels.min().item<long>(), test.Count > 0 ? test.Labels.min().item<long>() : long.MaxValue);
        if (minimum < 0) throw new LatentException($"{source}: label {minimum} is negative (labels must be 0, 1, …, C−1)");
        long maximum = Math.Max(train.Labels.max().item<long>(), test.Count > 0 ? test.Labels.max().item<long>() : 0);
        if (maximum >= 100_000) throw new LatentException($"{source}: label {maximum} is implausibly large for a class index");
        return (int)maximum + 1;
    }
}
