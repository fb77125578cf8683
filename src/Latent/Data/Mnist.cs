namespace Latent.Data;

/// <summary>Loads MNIST-format data sets (MNIST, Fashion-MNIST, KMNIST, ...) from a directory of IDX files.</summary>
public static class Mnist
{
    /// <summary>The standard file stems of each split.</summary>
    public static (string Images, string Labels) FileStems(MnistSplit split) => split switch
    {
        MnistSplit.Train => ("train-images-idx3-ubyte", "train-labels-idx1-ubyte"),
        _ => ("t10k-images-idx3-ubyte", "t10k-labels-idx1-ubyte"),
    };

    /// <summary>
    /// Loads one split from <paramref name="directory"/> (the embedded data/mnist when null). Files may be
    /// raw or gzipped, named with the standard stems, optionally with ".gz" or with "." instead of "-" before "idx".
    /// </summary>
    public static MnistData Load(string? directory, MnistSplit split)
    {
        directory ??= DataPaths.Mnist();
        if (!Directory.Exists(directory)) throw new LatentException($"{directory}: data directory not found");
        var (imageStem, labelStem) = FileStems(split);
        string imagePath = Locate(directory, imageStem), labelPath = Locate(directory, labelStem);
        var images = IdxReader.Read(imagePath);
        var labels = IdxReader.Read(labelPath);
        string imageFile = Path.GetFileName(imagePath);
        if (images.Dimensions.Length != 3)
            throw new LatentException($"{imageFile}: expected 3 dimensions (count, rows, columns), found {images.Dimensions.Length}");
        if (labels.Dimensions.Length != 1)
            throw new LatentException($"{Path.GetFileName(labelPath)}: expected 1 dimension (count), found {labels.Dimensions.Length}");
        if (images.Count != labels.Count)
            throw new LatentException($"{directory}: {imageFile} holds {images.Count} images but the labels file holds {labels.Count} labels");
        var pixels = images.ItemSize;
        var imageTensor = tensor(images.Values, new long[] { images.Count, pixels }).to(ScalarType.Float32).div_(255f);
        var labelTensor = tensor(labels.Values, new long[] { labels.Count }).to(ScalarType.Int64);
        return new MnistData(imageTensor, labelTensor, images.Dimensions[1], images.Dimensions[2]);
    }

    private static string Locate(string directory, string stem)
    {
        var dotted = stem.Replace("-idx", ".idx", StringComparison.Ordinal);
        foreach (var name in new[] { stem, stem + ".gz", dotted, dotted + ".gz" })
        {
            var path = Path.Combine(directory, name);
            if (File.Exists(path)) return path;
        }
        throw new LatentException($"{directory}: no {stem} file (looked for {stem}, {stem}.gz, {dotted}, {dotted}.gz)");
    }
}
