using Latent.Data;
using SkiaSharp;

namespace Latent.Tests.Data;

public class ImageFolderLoaderTests : TorchTest, IDisposable
{
    private readonly string dir = Directory.CreateTempSubdirectory("latent-images-").FullName;

    public void Dispose() => Directory.Delete(dir, true);

    /// <summary>Writes a width×height image whose every pixel has colour (r, g, b).</summary>
    private string Image(string relative, byte r, byte g, byte b, int width = 3, int height = 2, SKEncodedImageFormat format = SKEncodedImageFormat.Png)
    {
        var path = Path.Combine(dir, relative);
        Directory.CreateDirectory(Path.GetDirectoryName(path)!);
        var rgb = Enumerable.Repeat(new[] { r, g, b }, width * height).SelectMany(p => p).ToArray();
        TinyDataFiles.WritePng(path, rgb, width, height, format);
        return path;
    }

    private LatentException Refused() => Assert.Throws<LatentException>(() => DatasetLoader.Load(new DataOptions { Path = dir }));

    [Fact]
    public void GreyTrainAndTestFoldersLoadAsOneChannelImagesWithClassNames()
    {
        Image("train/cat/1.png", 51, 51, 51);
        Image("train/cat/2.png", 0, 0, 0);
        Image("train/dog/1.png", 255, 255, 255);
        Image("test/dog/1.png", 102, 102, 102);
        using var data = DatasetLoader.Load(new DataOptions { Path = dir });
        Assert.Equal(new long[] { 3, 1, 2, 3 }, data.Train.Features.shape);
        Assert.Equal(new long[] { 1, 1, 2, 3 }, data.Test.Features.shape);
        Assert.Equal(new[] { "cat", "dog" }, data.ClassNames);
        Assert.Equal(new long[] { 0, 0, 1 }, data.Train.Labels!.data<long>().ToArray());
        Assert.Equal(new long[] { 1 }, data.Test.Labels!.data<long>().ToArray());
        Assert.Equal(new[] { 0.2f, 0f, 1f }, new[] { 0, 1, 2 }.Select(i => data.Train.Features[i, 0, 1, 2].item<float>()));
        Assert.Equal(0.4f, data.Test.Features[0, 0, 0, 0].item<float>(), 6);
    }

    [Fact]
    public void AnyColourImageMakesTheWholeFolderRgb()
    {
        Image("train/a/1.png", 10, 10, 10);
        Image("train/b/1.png", 255, 0, 51);
        Image("test/a/1.png", 20, 20, 20);
        using var data = DatasetLoader.Load(new DataOptions { Path = dir });
        Assert.Equal(new long[] { 2, 3, 2, 3 }, data.Train.Features.shape);
        Assert.Equal(new[] { 1f, 0f, 0.2f }, Enumerable.Range(0, 3).Select(c => data.Train.Features[1, c, 0, 0].item<float>()));
        Assert.Equal(Enumerable.Repeat(20 / 255f, 3), Enumerable.Range(0, 3).Select(c => data.Test.Features[0, c, 1, 1].item<float>()));
    }

    [Fact]
    public void JpegBmpAndWebpImagesDecode()
    {
        Image("train/a/1.jpg", 128, 128, 128, format: SKEncodedImageFormat.Jpeg);
        Image("train/a/2.jpeg", 128, 128, 128, format: SKEncodedImageFormat.Jpeg);
        Image("train/b/1.webp", 200, 200, 200, format: SKEncodedImageFormat.Webp);
        Image("test/b/1.png", 200, 200, 200);
        using var data = DatasetLoader.Load(new DataOptions { Path = dir });
        Assert.Equal(3, data.Train.Count);
        Assert.Equal(1, data.Train.Features.shape[1]);
        Assert.InRange(data.Train.Features[0, 0, 0, 0].item<float>(), 120 / 255f, 136 / 255f);
        Assert.InRange(data.Train.Features[2, 0, 0, 0].item<float>(), 195 / 255f, 205 / 255f);
    }

    [Fact]
    public void BmpAndGifImagesDecode()
    {
        // A 1×1 24-bit BMP (file header, BITMAPINFOHEADER, one BGR pixel padded to 4 bytes) of colour (10, 20, 30).
        var bmp = new byte[58];
        bmp[0] = (byte)'B';
        bmp[1] = (byte)'M';
        BitConverter.TryWriteBytes(bmp.AsSpan(2), bmp.Length);
        BitConverter.TryWriteBytes(bmp.AsSpan(10), 54);
        BitConverter.TryWriteBytes(bmp.AsSpan(14), 40);
        BitConverter.TryWriteBytes(bmp.AsSpan(18), 1);
        BitConverter.TryWriteBytes(bmp.AsSpan(22), 1);
        BitConverter.TryWriteBytes(bmp.AsSpan(26), (short)1);
        BitConverter.TryWriteBytes(bmp.AsSpan(28), (short)24);
        BitConverter.TryWriteBytes(bmp.AsSpan(34), 4);
        bmp[54] = 30;
        bmp[55] = 20;
        bmp[56] = 10;
        // A 1×1 GIF89a: header, screen with a two-colour table (black, white), image descriptor, LZW codes clear, 0, end; trailer.
        var gif = Convert.FromHexString("474946383961" + "01000100800000" + "000000FFFFFF" + "2C000000000100010000" + "0202440100" + "3B");
        Directory.CreateDirectory(Path.Combine(dir, "train", "bmp"));
        Directory.CreateDirectory(Path.Combine(dir, "train", "gif"));
        File.WriteAllBytes(Path.Combine(dir, "train", "bmp", "1.bmp"), bmp);
        File.WriteAllBytes(Path.Combine(dir, "train", "gif", "1.gif"), gif);
        Image("test/gif/1.png", 0, 0, 0, 1, 1);
        using var data = DatasetLoader.Load(new DataOptions { Path = dir });
        Assert.Equal(new long[] { 2, 3, 1, 1 }, data.Train.Features.shape);
        Assert.Equal(new[] { 10 / 255f, 20 / 255f, 30 / 255f }, data.Train.Features[0].flatten().data<float>().ToArray());
        Assert.Equal(new[] { 0f, 0f, 0f }, data.Train.Features[1].flatten().data<float>().ToArray());
    }

    [Fact]
    public void AFolderWithoutTrainAndTestIsSplitBySeed()
    {
        for (int i = 0; i < 5; i++)
        {
            Image($"x/{i}.png", 0, 0, 0);
            Image($"y/{i}.png", 255, 255, 255);
        }
        File.WriteAllText(Path.Combine(dir, "README.txt"), "not an image");
        using var data = DatasetLoader.Load(new DataOptions { Path = dir, TestFraction = 0.2, Seed = 3 });
        Assert.Equal(8, data.Train.Count);
        Assert.Equal(2, data.Test.Count);
        Assert.Equal(new[] { "x", "y" }, data.ClassNames);
        var labelsMatchPixels = data.Train.Labels!.data<long>().Zip(Enumerable.Range(0, 8).Select(i => data.Train.Features[i, 0, 0, 0].item<float>()));
        Assert.All(labelsMatchPixels, p => Assert.Equal((float)p.First, p.Second));
    }

    [Fact]
    public void ImagesOfDifferentSizesAreRefusedNamingTwoFiles()
    {
        Image("train/a/1.png", 0, 0, 0, 3, 2);
        Image("train/b/1.png", 0, 0, 0, 5, 4);
        var e = Refused();
        Assert.Contains("images differ in size", e.Message);
        Assert.Contains($"{Path.Combine("train", "a", "1.png")} is 3×2", e.Message);
        Assert.Contains($"{Path.Combine("train", "b", "1.png")} is 5×4", e.Message);
    }

    [Fact]
    public void CorruptAndTruncatedImagesAreRefusedNamingTheFile()
    {
        Image("train/a/1.png", 0, 0, 0);
        var garbage = Path.Combine(dir, "train", "a", "2.png");
        File.WriteAllBytes(garbage, new byte[] { 1, 2, 3, 4, 5, 6, 7, 8 });
        var e = Refused();
        Assert.StartsWith($"{garbage}: not a readable image", e.Message);

        var whole = File.ReadAllBytes(Image("big/a/1.png", 10, 20, 30, 40, 40));
        File.WriteAllBytes(garbage, whole.Take(whole.Length / 2).ToArray());
        Directory.Delete(Path.Combine(dir, "big"), true);
        Assert.StartsWith($"{garbage}: ", Refused().Message);
    }

    [Fact]
    public void EmptyClassFoldersAndEmptyTreesAreRefused()
    {
        Directory.CreateDirectory(Path.Combine(dir, "train"));
        Assert.Contains("no class sub-folders", Refused().Message);
        Image("train/a/1.png", 0, 0, 0);
        Directory.CreateDirectory(Path.Combine(dir, "train", "b"));
        Assert.Contains($"{Path.Combine(dir, "train", "b")}: class folder holds no images", Refused().Message);
    }
}
