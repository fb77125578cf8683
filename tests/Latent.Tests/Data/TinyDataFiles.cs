using System.Globalization;
using System.IO.Compression;
using System.Text;
using SkiaSharp;

namespace Latent.Tests.Data;

/// <summary>
/// Writes tiny, valid, learnable data sets in every format <c>DatasetLoader</c> reads into a given folder, for tests that run
/// every command with its defaults in every format. Each method returns the path to pass as --data. Example i has class
/// i mod <c>classes</c>; vectors put a bump on the features of their class, images a bright band in the rows of their class.
/// </summary>
public static class TinyDataFiles
{
    /// <summary>An MNIST-format IDX folder (train-/t10k- images and labels) of grey <paramref name="size"/>×<paramref name="size"/> images.</summary>
    public static string IdxFolder(string folder, int trainCount = 30, int testCount = 12, int size = 8, int classes = 3)
    {
        var directory = Directory.CreateDirectory(Path.Combine(folder, "idx")).FullName;
        foreach (var (stem, count, offset) in new[] { ("train", trainCount, 0), ("t10k", testCount, trainCount) })
        {
            var pixels = Enumerable.Range(offset, count).SelectMany(i => ImagePixels(i, size, size, classes, channel: 0)).ToArray();
            File.WriteAllBytes(Path.Combine(directory, $"{stem}-images-idx3-ubyte"), IdxReaderTests.Idx(pixels, count, size, size));
            File.WriteAllBytes(Path.Combine(directory, $"{stem}-labels-idx1-ubyte"), IdxReaderTests.Idx(Enumerable.Range(offset, count).Select(i => (byte)(i % classes)).ToArray(), count));
        }
        return directory;
    }

    /// <summary>An .npz of float32 vectors [N, <paramref name="features"/>] with int64 labels, train and test parts (deflated).</summary>
    public static string NpzVectors(string folder, int trainCount = 30, int testCount = 12, int features = 5, int classes = 3)
    {
        var path = Path.Combine(folder, "vectors.npz");
        var members = new List<(string, byte[])>();
        foreach (var (part, count, offset) in new[] { ("train", trainCount, 0), ("test", testCount, trainCount) })
        {
            var values = Enumerable.Range(offset, count).SelectMany(i => VectorValues(i, features, classes));
            members.Add(($"x_{part}", NpyBytes.Array("<f4", new long[] { count, features }, values)));
            members.Add(($"y_{part}", NpyBytes.Array("<i8", new long[] { count }, Enumerable.Range(offset, count).Select(i => (double)(i % classes)))));
        }
        NpyBytes.WriteNpz(path, members, CompressionLevel.Optimal);
        return path;
    }

    /// <summary>
    /// An .npz of uint8 images as Keras stores them — [N, H, W] for one channel, [N, H, W, C] (channels last) otherwise —
    /// with int64 labels, train and test parts (stored, as np.savez writes them).
    /// </summary>
    public static string NpzImages(string folder, int trainCount = 30, int testCount = 12, int size = 8, int channels = 1, int classes = 3)
    {
        var path = Path.Combine(folder, "images.npz");
        var members = new List<(string, byte[])>();
        foreach (var (part, count, offset) in new[] { ("train", trainCount, 0), ("test", testCount, trainCount) })
        {
            var shape = channels == 1 ? new long[] { count, size, size } : new long[] { count, size, size, channels };
            var values = Enumerable.Range(offset, count).SelectMany(i => ChannelsLast(i, size, channels, classes)).Select(b => (double)b);
            members.Add(($"x_{part}", NpyBytes.Array("|u1", shape, values)));
            members.Add(($"y_{part}", NpyBytes.Array("<i8", new long[] { count }, Enumerable.Range(offset, count).Select(i => (double)(i % classes)))));
        }
        NpyBytes.WriteNpz(path, members, CompressionLevel.NoCompression);
        return path;
    }

    /// <summary>A CSV file with a header (f0, f1, …, label) of <paramref name="count"/> rows; labels are integers or, with <paramref name="namedClasses"/>, class names.</summary>
    public static string Csv(string folder, int count = 40, int features = 5, int classes = 3, bool namedClasses = false)
    {
        var path = Path.Combine(folder, "data.csv");
        var text = new StringBuilder();
        text.AppendLine(string.Join(",", Enumerable.Range(0, features).Select(d => $"f{d}").Append("label")));
        for (int i = 0; i < count; i++)
        {
            var cells = VectorValues(i, features, classes).Select(v => v.ToString("R", CultureInfo.InvariantCulture));
            text.AppendLine(string.Join(",", cells.Append(namedClasses ? ClassName(i % classes) : (i % classes).ToString(CultureInfo.InvariantCulture))));
        }
        File.WriteAllText(path, text.ToString());
        return path;
    }

    /// <summary>An ImageFolder tree ROOT/train/&lt;class&gt;/*.png and ROOT/test/&lt;class&gt;/*.png of grey or colour PNG images.</summary>
    public static string ImageFolder(string folder, int trainPerClass = 10, int testPerClass = 4, int size = 8, bool colour = false, int classes = 3)
    {
        var root = Directory.CreateDirectory(Path.Combine(folder, "images")).FullName;
        int index = 0;
        foreach (var (part, perClass) in new[] { ("train", trainPerClass), ("test", testPerClass) })
        {
            for (int c = 0; c < classes; c++)
            {
                var classFolder = Directory.CreateDirectory(Path.Combine(root, part, ClassName(c))).FullName;
                for (int k = 0; k < perClass; k++, index++)
                {
                    var rgb = ChannelsLast(index * classes + c, size, 3, classes, grey: !colour);
                    WritePng(Path.Combine(classFolder, $"{k:D3}.png"), rgb, size, size);
                }
            }
        }
        return root;
    }

    /// <summary>The class name of class <paramref name="c"/> in <see cref="Csv"/> (named) and <see cref="ImageFolder"/>; sorted as the class indices are.</summary>
    public static string ClassName(int c) => $"class-{(char)('a' + c)}";

    /// <summary>Encodes interleaved RGB bytes as a PNG file with SkiaSharp.</summary>
    public static void WritePng(string path, byte[] rgb, int width, int height, SKEncodedImageFormat format = SKEncodedImageFormat.Png)
    {
        using var bitmap = new SKBitmap(new SKImageInfo(width, height, SKColorType.Rgba8888, SKAlphaType.Unpremul));
        for (int y = 0; y < height; y++)
            for (int x = 0; x < width; x++)
            {
                int p = 3 * (y * width + x);
                bitmap.SetPixel(x, y, new SKColor(rgb[p], rgb[p + 1], rgb[p + 2]));
            }
        using var data = bitmap.Encode(format, 100);
        File.WriteAllBytes(path, data.ToArray());
    }

    private static IEnumerable<double> VectorValues(int example, int features, int classes)
    {
        var random = new Random(example);
        return Enumerable.Range(0, features).Select(d => (d % classes == example % classes ? 2.0 : 0.0) + Math.Round(random.NextDouble() - 0.5, 3));
    }

    /// <summary>One grey image: a bright band across the rows that belong to the example's class, dim noise elsewhere.</summary>
    private static IEnumerable<byte> ImagePixels(int example, int height, int width, int classes, int channel)
    {
        var random = new Random(example * 7 + channel);
        int band = example % classes;
        for (int y = 0; y < height; y++)
            for (int x = 0; x < width; x++)
                yield return (byte)(y * classes / height == band ? 200 + random.Next(56) : random.Next(60));
    }

    private static byte[] ChannelsLast(int example, int size, int channels, int classes, bool grey = false)
    {
        var planes = Enumerable.Range(0, channels).Select(c => ImagePixels(example, size, size, classes, grey ? 0 : c).ToArray()).ToArray();
        var values = new byte[size * size * channels];
        for (int p = 0; p < size * size; p++)
            for (int c = 0; c < channels; c++) values[p * channels + c] = planes[c][p];
        return values;
    }
}
