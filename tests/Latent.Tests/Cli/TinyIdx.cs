using Latent.Tests.Data;

namespace Latent.Tests.Cli;

/// <summary>Writes a tiny MNIST-format IDX folder whose classes are easy to tell apart: class k lights column k of a 6×W image.</summary>
internal static class TinyIdx
{
    /// <summary>Writes train (<paramref name="trainCount"/>) and t10k (<paramref name="testCount"/>) files with labels cycling through 0..classes−1.</summary>
    public static string Write(string directory, int classes, int trainCount = 60, int testCount = 30, int seed = 1)
    {
        Directory.CreateDirectory(directory);
        var random = new Random(seed);
        int width = Math.Max(classes, 6);
        foreach (var (prefix, count) in new[] { ("train", trainCount), ("t10k", testCount) })
        {
            var labels = Enumerable.Range(0, count).Select(i => (byte)(i % classes)).ToArray();
            var pixels = new byte[count * 6 * width];
            for (int n = 0; n < count; n++)
                for (int r = 0; r < 6; r++)
                    for (int c = 0; c < width; c++)
                        pixels[(n * 6 + r) * width + c] = (byte)(c == labels[n] ? 200 + random.Next(56) : random.Next(40));
            File.WriteAllBytes(Path.Combine(directory, $"{prefix}-images-idx3-ubyte"), IdxReaderTests.Idx(pixels, count, 6, width));
            File.WriteAllBytes(Path.Combine(directory, $"{prefix}-labels-idx1-ubyte"), IdxReaderTests.Idx(labels, count));
        }
        return directory;
    }
}
