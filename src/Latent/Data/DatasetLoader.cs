using static TorchSharp.torch;

namespace Latent.Data;

/// <summary>Reads a <see cref="Dataset"/> from any supported source (see <see cref="DataOptions"/>), validating it on the way in.</summary>
public static class DatasetLoader
{
    /// <summary>The embedded MNIST, as a data set of [1, 28, 28] images with 10 classes.</summary>
    public static Dataset EmbeddedMnist() => Load(new DataOptions());

    /// <summary>Loads, splits and (optionally) standardises the data named by <paramref name="options"/>.</summary>
    public static Dataset Load(DataOptions options)
    {
        var path = options.Path ?? DataPaths.Mnist();
        var source = options.Path ?? "embedded MNIST";
        if (!File.Exists(path) && !Directory.Exists(path)) throw new LatentException($"{path}: no such file or folder");
        var (train, test) = ReadParts(path);
        if (options.TestPath is { } testPath)
        {
            test?.Dispose();
            if (!File.Exists(testPath) && !Directory.Exists(testPath)) throw new LatentException($"{testPath}: no such file or folder");
            var (testTrain, testTest) = ReadParts(testPath);
            test = testTest ?? testTrain;
            if (testTest is not null) testTrain.Dispose();
        }
        if (test is null || options.TestFraction is not null && options.TestPath is null)
        {
            var (kept, heldOut) = Split(train, options.TestFraction ?? DataOptions.DefaultTestFraction, options.Seed, path);
            test?.Dispose();
            train = kept;
            test = heldOut;
        }
        if (train.Count == 0) throw new LatentException($"{path}: no training examples");
        var classCount = ClassCount(train, test, path);
        var dataset = new Dataset(train, test, classCount, null, source);
        if (!options.Standardize) return dataset;
        using (dataset) return dataset.Standardized();
    }

    /// <summary>The training part and, where the source has one, the test part.</summary>
    private static (DataPart Train, DataPart? Test) ReadParts(string path)
    {
        if (Directory.Exists(path)) return ReadIdxFolder(path);
        throw new LatentException($"{path}: unsupported data format (expected a folder of MNIST-format IDX files)");
    }

    private static (DataPart, DataPart?) ReadIdxFolder(string directory)
    {
        using var train = Mnist.Load(directory, MnistSplit.Train);
        using var test = Mnist.Load(directory, MnistSplit.Test);
        return (AsImages(train), AsImages(test));
    }

    private static DataPart AsImages(MnistData data) =>
        new(data.Images.reshape(data.Count, 1, data.Rows, data.Columns).alias(), data.Labels.alias());

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
