using Latent.Data;
using Latent.Tests.Data;
using TorchSharp;
using static TorchSharp.torch;

namespace Latent.Tests.Vae;

/// <summary>Small data sets for the VAE tests: images written as an IDX folder, and correlated real-valued vectors built in code.</summary>
internal static class TinyData
{
    /// <summary>
    /// Writes an MNIST-format folder of 6×6 images (train 40, test 12, labels 0–2): each class a bright band in its own place
    /// with seeded noise, so there is structure to learn.
    /// </summary>
    public static string WriteIdxFolder(string directory, int seed = 1)
    {
        Directory.CreateDirectory(directory);
        var random = new Random(seed);
        foreach (var (prefix, count) in new[] { ("train", 40), ("t10k", 12) })
        {
            var pixels = new byte[count * 36];
            var labels = new byte[count];
            for (int n = 0; n < count; n++)
            {
                labels[n] = (byte)(n % 3);
                for (int i = 0; i < 36; i++)
                {
                    bool lit = i / 6 >= 2 * labels[n] && i / 6 < 2 * labels[n] + 2;
                    pixels[n * 36 + i] = (byte)Math.Clamp((lit ? 200 : 20) + random.Next(-20, 21), 0, 255);
                }
            }
            File.WriteAllBytes(Path.Combine(directory, $"{prefix}-images-idx3-ubyte"), IdxReaderTests.Idx(pixels, count, 6, 6));
            File.WriteAllBytes(Path.Combine(directory, $"{prefix}-labels-idx1-ubyte"), IdxReaderTests.Idx(labels, count));
        }
        return directory;
    }

    /// <summary>
    /// <paramref name="train"/> + <paramref name="test"/> 7-dimensional vectors x = (W z + noise·ε)·scale + 5 with a 2-D z ~ N(0, I), labelled by
    /// the sign of z₁: real-valued data far from [0, 1] with a low-dimensional structure.
    /// </summary>
    public static Dataset Vectors(long train = 300, long test = 100, double scale = 3.0, double noise = 0.1, ulong seed = 7)
    {
        using var generator = new Generator(seed);
        var w = randn([2, 7], generator: generator);
        (Tensor, Tensor) Draw(long count)
        {
            var z = randn([count, 2], generator: generator);
            return (((z.matmul(w) + noise * randn([count, 7], generator: generator)) * scale + 5).to(ScalarType.Float32), z.select(1, 0).gt(0).to(ScalarType.Int64));
        }
        var (trainX, trainY) = Draw(train);
        var (testX, testY) = Draw(test);
        return new Dataset(new DataPart(trainX, trainY), new DataPart(testX, testY), 2, null, "tiny vectors");
    }
}
