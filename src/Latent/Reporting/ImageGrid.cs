using SkiaSharp;

namespace Latent.Reporting;

/// <summary>Saves a batch of grayscale images (intensities in [0,1]) as one PNG grid, for reconstructions and samples.</summary>
public static class ImageGrid
{
    /// <summary>
    /// Writes <paramref name="pixels"/> (count × height*width values, row-major) as a grid of <paramref name="columns"/>
    /// columns, each pixel drawn <paramref name="scale"/> times larger, with a 2-pixel gap; returns the path.
    /// </summary>
    public static string SavePng(string path, float[] pixels, int count, int height, int width, int columns, int scale = 2)
    {
        if (count < 1 || pixels.Length != count * height * width)
            throw new LatentException($"{path}: image grid got {pixels.Length} values, expected {count} images of {height}x{width}");
        columns = Math.Clamp(columns, 1, count);
        int rows = (count + columns - 1) / columns;
        const int gap = 2;
        int cellW = width * scale + gap, cellH = height * scale + gap;
        using var bitmap = new SKBitmap(columns * cellW + gap, rows * cellH + gap, SKColorType.Gray8, SKAlphaType.Opaque);
        int stride = bitmap.RowBytes;
        var buffer = new byte[stride * bitmap.Height];
        Array.Fill(buffer, (byte)128);
        for (int n = 0; n < count; n++)
        {
            int originX = gap + n % columns * cellW, originY = gap + n / columns * cellH;
            for (int y = 0; y < height * scale; y++)
            for (int x = 0; x < width * scale; x++)
            {
                float v = pixels[n * height * width + y / scale * width + x / scale];
                buffer[(originY + y) * stride + originX + x] = (byte)Math.Clamp(MathF.Round(v * 255f), 0f, 255f);
            }
        }
        System.Runtime.InteropServices.Marshal.Copy(buffer, 0, bitmap.GetPixels(), buffer.Length);
        using var image = SKImage.FromBitmap(bitmap);
        using var png = image.Encode(SKEncodedImageFormat.Png, 100);
        AtomicFile.WriteStream(path, stream => png.SaveTo(stream));
        return path;
    }
}
