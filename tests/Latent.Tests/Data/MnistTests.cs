using Latent.Data;
using static TorchSharp.torch;

namespace Latent.Tests.Data;

public class MnistTests : TorchTest, IDisposable
{
    private readonly string dir = Directory.CreateTempSubdirectory("latent-mnist-").FullName;

    public void Dispose() => Directory.Delete(dir, true);

    [Fact]
    public void EmbeddedMnistHasTheOfficialSplitAndLabelCounts()
    {
        using var train = Mnist.Load(null, MnistSplit.Train);
        using var test = Mnist.Load(null, MnistSplit.Test);
        Assert.Equal(60_000, train.Count);
        Assert.Equal(10_000, test.Count);
        Assert.Equal(new long[] { 60_000, 784 }, train.Images.shape);
        Assert.Equal(28, train.Rows);
        // Published class counts of the MNIST training set for digits 0 and 1.
        Assert.Equal(5923, train.Labels.eq(0).sum().item<long>());
        Assert.Equal(6742, train.Labels.eq(1).sum().item<long>());
        Assert.InRange(train.Images.max().item<float>(), 0.99f, 1.0f);
        Assert.Equal(0f, train.Images.min().item<float>());
    }

    [Fact]
    public void AnyDirectoryOfMnistFormatFilesLoads()
    {
        File.WriteAllBytes(Path.Combine(dir, "t10k-images-idx3-ubyte"), IdxReaderTests.Idx(new byte[] { 0, 255, 51, 102, 0, 0, 0, 255 }, 2, 2, 2));
        File.WriteAllBytes(Path.Combine(dir, "t10k-labels.idx1-ubyte"), IdxReaderTests.Idx(new byte[] { 3, 9 }, 2));
        using var data = Mnist.Load(dir, MnistSplit.Test);
        Assert.Equal(new long[] { 2, 4 }, data.Images.shape);
        Assert.Equal(0.2f, data.Images[0, 2].item<float>(), 6);
        Assert.Equal(new long[] { 3, 9 }, data.Labels.data<long>().ToArray());
    }

    [Fact]
    public void LabelCountMismatchIsReported()
    {
        File.WriteAllBytes(Path.Combine(dir, "train-images-idx3-ubyte"), IdxReaderTests.Idx(new byte[3 * 4], 3, 2, 2));
        File.WriteAllBytes(Path.Combine(dir, "train-labels-idx1-ubyte"), IdxReaderTests.Idx(new byte[2], 2));
        var e = Assert.Throws<LatentException>(() => Mnist.Load(dir, MnistSplit.Train));
        Assert.Contains("3 images but the labels file holds 2 labels", e.Message);
    }

    [Fact]
    public void MissingDirectoryAndMissingFilesAreReported()
    {
        Assert.Contains("not found", Assert.Throws<LatentException>(() => Mnist.Load(Path.Combine(dir, "nope"), MnistSplit.Train)).Message);
        Assert.Contains("no train-images-idx3-ubyte", Assert.Throws<LatentException>(() => Mnist.Load(dir, MnistSplit.Train)).Message);
    }
}
