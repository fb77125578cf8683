using SkiaSharp;

namespace Latent.Data;

/// <summary>
/// Reads an image folder in torchvision's ImageFolder layout — ROOT/train/&lt;class&gt;/*.png and ROOT/test/&lt;class&gt;/…, or
/// ROOT/&lt;class&gt;/… without a split — decoding PNG, JPEG, BMP, GIF and WebP with SkiaSharp into float32 [N, C, H, W] in [0, 1].
/// The images are grey (C = 1) unless any image in the folder has colour (C = 3, RGB); all must have the same size.
/// </summary>
internal static class ImageFolderReader
{
    private static readonly string[] Extensions = { ".png", ".jpg", ".jpeg", ".bmp", ".gif", ".webp" };
    private const long MaxPixels = 1L << 26;

    /// <summary>True when <paramref name="directory"/> looks like an image folder: a train/ sub-folder, or a sub-folder holding images.</summary>
    public static bool IsImageFolder(string directory) =>
        Directory.Exists(Path.Combine(directory, "train")) || ClassFolders(directory).Any(folder => ImageFiles(folder).Any());

    /// <summary>Reads the training part and, when ROOT/test exists, the test part; labels are the class-folder names.</summary>
    public static (SourcePart Train, SourcePart? Test) Read(string root)
    {
        var trainRoot = Path.Combine(root, "train");
        bool split = Directory.Exists(trainRoot);
        var testRoot = Path.Combine(root, "test");
        var parts = new List<List<(string File, string Class)>> { Collect(split ? trainRoot : root) };
        if (split && Directory.Exists(testRoot)) parts.Add(Collect(testRoot));
        var decoded = parts.Select(part => part.Select(item => Decode(item.File)).ToList()).ToList();
        var all = decoded.SelectMany(d => d).ToList();
        var first = all[0];
        var other = all.FirstOrDefault(image => image.Width != first.Width || image.Height != first.Height);
        if (other is not null)
            throw new LatentException($"{root}: images differ in size: {Relative(root, first.File)} is {first.Width}×{first.Height} but {Relative(root, other.File)} is {other.Width}×{other.Height}");
        int channels = all.Any(image => image.IsColour) ? 3 : 1;
        var result = parts.Zip(decoded, (part, images) => new SourcePart(ToTensor(images, channels), null, part.Select(item => item.Class).ToArray())).ToList();
        return (result[0], result.Count > 1 ? result[1] : null);
    }

    private static List<(string File, string Class)> Collect(string directory)
    {
        var classes = ClassFolders(directory).ToList();
        if (classes.Count == 0) throw new LatentException($"{directory}: no class sub-folders (expected {directory}/<class>/<image files>)");
        var items = new List<(string, string)>();
        foreach (var folder in classes)
        {
            var files = ImageFiles(folder).ToList();
            if (files.Count == 0) throw new LatentException($"{folder}: class folder holds no images ({string.Join(", ", Extensions)})");
            items.AddRange(files.Select(file => (file, Path.GetFileName(folder))));
        }
        return items;
    }

    private static IEnumerable<string> ClassFolders(string directory) =>
        Directory.EnumerateDirectories(directory).Where(d => !Path.GetFileName(d).StartsWith('.')).Order(StringComparer.Ordinal);

    private static IEnumerable<string> ImageFiles(string folder) =>
        Directory.EnumerateFiles(folder)
            .Where(f => !Path.GetFileName(f).StartsWith('.') && Extensions.Contains(Path.GetExtension(f).ToLowerInvariant()))
            .Order(StringComparer.Ordinal);

    private static string Relative(string root, string file) => Path.GetRelativePath(root, file);

    /// <summary>Decodes one image to interleaved RGB bytes, checking its size before allocating pixels.</summary>
    private static DecodedImage Decode(string file)
    {
        try
        {
            using var codec = SKCodec.Create(file, out var status) ?? throw new LatentException($"{file}: not a readable image ({status})");
            var (width, height) = (codec.Info.Width, codec.Info.Height);
            if (width <= 0 || height <= 0 || (long)width * height > MaxPixels)
                throw new LatentException($"{file}: image size {width}×{height} is not supported (at most {MaxPixels} pixels)");
            var info = new SKImageInfo(width, height, SKColorType.Rgba8888, SKAlphaType.Unpremul);
            using var bitmap = new SKBitmap(info);
            var result = codec.GetPixels(info, bitmap.GetPixels());
            if (result != SKCodecResult.Success) throw new LatentException($"{file}: corrupt image ({result})");
            var rgba = bitmap.GetPixelSpan();
            var rgb = new byte[width * height * 3];
            bool colour = false;
            for (int p = 0; p < width * height; p++)
            {
                byte r = rgba[4 * p], g = rgba[4 * p + 1], b = rgba[4 * p + 2];
                rgb[3 * p] = r;
                rgb[3 * p + 1] = g;
                rgb[3 * p + 2] = b;
                colour |= r != g || g != b;
            }
            return new DecodedImage(file, width, height, rgb, colour);
        }
        catch (Exception e) when (e is not LatentException)
        {
            throw new LatentException($"{file}: cannot decode image ({e.Message.ReplaceLineEndings(" ")})", e);
        }
    }

    private static Tensor ToTensor(List<DecodedImage> images, int channels)
    {
        int height = images[0].Height, width = images[0].Width, plane = height * width;
        var values = new float[(long)images.Count * channels * plane];
        for (int n = 0; n < images.Count; n++)
        {
            var rgb = images[n].Rgb;
            long offset = (long)n * channels * plane;
            for (int c = 0; c < channels; c++)
                for (int p = 0; p < plane; p++)
                    values[offset + c * plane + p] = rgb[3 * p + c] / 255f;
        }
        return tensor(values, new long[] { images.Count, channels, height, width });
    }

    private sealed record DecodedImage(string File, int Width, int Height, byte[] Rgb, bool IsColour);
}
