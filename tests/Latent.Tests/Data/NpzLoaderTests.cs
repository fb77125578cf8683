using System.IO.Compression;
using Latent.Data;

namespace Latent.Tests.Data;

public class NpzLoaderTests : TorchTest, IDisposable
{
    private readonly string dir = Directory.CreateTempSubdirectory("latent-npz-").FullName;

    public void Dispose() => Directory.Delete(dir, true);

    private string Npz(CompressionLevel level, params (string Name, byte[] Npy)[] members)
    {
        var path = Path.Combine(dir, $"data-{Guid.NewGuid():N}.npz");
        NpyBytes.WriteNpz(path, members, level);
        return path;
    }

    private static (string, byte[]) Member(string name, string descr, long[] shape, IEnumerable<double> values) =>
        (name, NpyBytes.Array(descr, shape, values));

    private static LatentException Refused(string path, DataOptions? options = null) =>
        Assert.Throws<LatentException>(() => DatasetLoader.Load((options ?? new DataOptions()) with { Path = path }));

    [Theory]
    [InlineData(CompressionLevel.NoCompression)]
    [InlineData(CompressionLevel.Optimal)]
    public void KerasStyleVectorsLoadFromStoredAndDeflatedArchives(CompressionLevel level)
    {
        var path = Npz(level,
            Member("x_train", "<f8", new long[] { 3, 2 }, new double[] { 1, 2, 3, 4, 5, 6 }),
            Member("y_train", "<i8", new long[] { 3 }, new double[] { 0, 2, 1 }),
            Member("x_test", "<f8", new long[] { 1, 2 }, new double[] { 7, 8 }),
            Member("y_test", "<i8", new long[] { 1 }, new double[] { 3 }));
        using var data = DatasetLoader.Load(new DataOptions { Path = path });
        Assert.Equal(new long[] { 3, 2 }, data.Train.Features.shape);
        Assert.Equal(new[] { 1f, 2f, 3f, 4f, 5f, 6f }, data.Train.Features.data<float>().ToArray());
        Assert.Equal(new long[] { 0, 2, 1 }, data.Train.Labels!.data<long>().ToArray());
        Assert.Equal(new[] { 7f, 8f }, data.Test.Features.data<float>().ToArray());
        Assert.Equal(4, data.ClassCount);
        Assert.False(data.IsImage);
    }

    [Fact]
    public void GreyImagesOfShapeNHWBecomeOneChannelImagesScaledToTheUnitInterval()
    {
        var path = Npz(CompressionLevel.NoCompression,
            Member("x_train", "|u1", new long[] { 2, 2, 3 }, new double[] { 0, 51, 255, 0, 0, 0, 1, 2, 3, 4, 5, 6 }),
            Member("y_train", "|u1", new long[] { 2 }, new double[] { 1, 0 }),
            Member("x_test", "|u1", new long[] { 1, 2, 3 }, new double[6]),
            Member("y_test", "|u1", new long[] { 1 }, new double[] { 1 }));
        using var data = DatasetLoader.Load(new DataOptions { Path = path });
        Assert.Equal(new long[] { 2, 1, 2, 3 }, data.Train.Features.shape);
        Assert.Equal(new[] { 0f, 0.2f, 1f }, data.Train.Features[0, 0, 0].data<float>().ToArray());
        Assert.True(data.IsImage);
        Assert.Equal(2, data.ClassCount);
    }

    [Theory]
    [InlineData(1)]
    [InlineData(3)]
    [InlineData(4)]
    public void ChannelsLastImagesBecomeChannelsFirst(int channels)
    {
        // Pixel (h, w) of channel c holds 100c + 10h + w, written channels last as Keras stores images.
        var values = new List<double>();
        for (int h = 0; h < 2; h++)
            for (int w = 0; w < 3; w++)
                for (int c = 0; c < channels; c++) values.Add(100 * c + 10 * h + w);
        var path = Npz(CompressionLevel.Optimal, Member("x_train", "<f4", new long[] { 1, 2, 3, channels }, values), Member("x_test", "<f4", new long[] { 1, 2, 3, channels }, values));
        using var data = DatasetLoader.Load(new DataOptions { Path = path });
        Assert.Equal(new long[] { 1, channels, 2, 3 }, data.Train.Features.shape);
        for (int c = 0; c < channels; c++)
            Assert.Equal(100f * c + 12, data.Train.Features[0, c, 1, 2].item<float>());
    }

    [Fact]
    public void ChannelsFirstImagesStayAsTheyAre()
    {
        var values = Enumerable.Range(0, 3 * 5 * 6).Select(v => (double)v).ToArray();
        var path = Npz(CompressionLevel.Optimal, Member("x_train", "<f4", new long[] { 1, 3, 5, 6 }, values), Member("x_test", "<f4", new long[] { 1, 3, 5, 6 }, values));
        using var data = DatasetLoader.Load(new DataOptions { Path = path });
        Assert.Equal(new long[] { 1, 3, 5, 6 }, data.Train.Features.shape);
        Assert.Equal(2 * 30 + 4 * 6 + 5, data.Train.Features[0, 2, 4, 5].item<float>());
    }

    [Fact]
    public void WithoutLabelsAndTestPartTheDataIsUnlabelledAndSplitBySeed()
    {
        var path = Npz(CompressionLevel.Optimal, Member("x_train", "<f4", new long[] { 10, 2 }, Enumerable.Range(0, 20).Select(v => (double)v)));
        using var data = DatasetLoader.Load(new DataOptions { Path = path, TestFraction = 0.3, Seed = 4 });
        Assert.Equal(7, data.Train.Count);
        Assert.Equal(3, data.Test.Count);
        Assert.Null(data.Train.Labels);
        Assert.Equal(0, data.ClassCount);
        var all = data.Train.Features.data<float>().Concat(data.Test.Features.data<float>()).Order();
        Assert.Equal(Enumerable.Range(0, 20).Select(v => (float)v), all);
    }

    [Fact]
    public void ASingleNpyFileIsUnlabelledTrainingDataWithAHeldOutShare()
    {
        var path = Path.Combine(dir, "x.npy");
        File.WriteAllBytes(path, NpyBytes.Array("<f8", new long[] { 5, 3 }, Enumerable.Range(0, 15).Select(v => (double)v)));
        using var data = DatasetLoader.Load(new DataOptions { Path = path, TestFraction = 0.2 });
        Assert.Equal(new long[] { 4, 3 }, data.Train.Features.shape);
        Assert.Equal(new long[] { 1, 3 }, data.Test.Features.shape);
        Assert.False(data.IsLabelled);
    }

    [Fact]
    public void ATestFileInTheSameFormatServesAsTheTestPart()
    {
        var train = Npz(CompressionLevel.Optimal, Member("x_train", "<f4", new long[] { 4, 2 }, new double[8]), Member("y_train", "<i8", new long[] { 4 }, new double[] { 0, 1, 0, 1 }));
        var test = Npz(CompressionLevel.Optimal, Member("x_train", "<f4", new long[] { 2, 2 }, new double[] { 9, 9, 9, 9 }), Member("y_train", "<i8", new long[] { 2 }, new double[] { 2, 0 }));
        using var data = DatasetLoader.Load(new DataOptions { Path = train, TestPath = test });
        Assert.Equal(4, data.Train.Count);
        Assert.Equal(new[] { 9f, 9f, 9f, 9f }, data.Test.Features.data<float>().ToArray());
        Assert.Equal(3, data.ClassCount);
    }

    [Fact]
    public void AMissingXTrainIsRefusedListingTheMembers()
    {
        var path = Npz(CompressionLevel.Optimal, Member("features", "<f4", new long[] { 1 }, new double[] { 1 }), Member("y_train", "<i8", new long[] { 1 }, new double[] { 1 }));
        Assert.Contains("no x_train member (the archive holds: features, y_train)", Refused(path).Message);
    }

    [Fact]
    public void LengthMismatchBetweenXAndYIsRefused()
    {
        var path = Npz(CompressionLevel.Optimal, Member("x_train", "<f4", new long[] { 3, 1 }, new double[3]), Member("y_train", "<i8", new long[] { 2 }, new double[2]));
        var e = Refused(path);
        Assert.StartsWith(path, e.Message);
        Assert.Contains("x_train holds 3 examples but y_train holds 2 labels", e.Message);
    }

    [Fact]
    public void AMemberOfUnsupportedDtypeIsRefusedNamingMemberAndDtype()
    {
        var path = Npz(CompressionLevel.Optimal, Member("x_train", "<f4", new long[] { 2, 1 }, new double[2]),
            ("y_train", NpyBytes.Npy(NpyBytes.Header("<U3", new long[] { 2 }), new byte[24])));
        Assert.Contains($"{path}: member y_train has unsupported dtype '<U3'", Refused(path).Message);
        var features = Npz(CompressionLevel.Optimal, Member("x_train", "<i4", new long[] { 2, 1 }, new double[2]));
        Assert.Contains($"{features}: member x_train has dtype int32; features must be uint8, float32 or float64", Refused(features).Message);
    }

    [Fact]
    public void BadValuesAreRefusedNamingTheMember()
    {
        var nan = Npz(CompressionLevel.Optimal, Member("x_train", "<f8", new long[] { 2, 1 }, new[] { 1, double.PositiveInfinity }));
        Assert.Contains("member x_train holds a NaN or infinite value (example 1)", Refused(nan).Message);
        var fractional = Npz(CompressionLevel.Optimal, Member("x_train", "<f4", new long[] { 2, 1 }, new double[2]), Member("y_train", "<f4", new long[] { 2 }, new[] { 0, 0.5 }));
        Assert.Contains("member y_train: label 0.5 (example 1) is not an integer", Refused(fractional).Message);
        var negative = Npz(CompressionLevel.Optimal, Member("x_train", "<f4", new long[] { 2, 1 }, new double[2]), Member("y_train", "<i1", new long[] { 2 }, new double[] { 0, -1 }));
        Assert.Contains("member y_train: label -1 (example 1) is negative", Refused(negative).Message);
        var tooLarge = Npz(CompressionLevel.Optimal, Member("x_train", "<f4", new long[] { 5, 1 }, new double[5]), Member("y_train", "<i8", new long[] { 5 }, new double[] { 0, 5e6, 1, 1, 0 }));
        Assert.Contains("label 5000000 is implausibly large", Refused(tooLarge).Message);
    }

    [Fact]
    public void EmptyAndUnshapedDataIsRefused()
    {
        var empty = Npz(CompressionLevel.Optimal, Member("x_train", "<f4", new long[] { 0, 3 }, Array.Empty<double>()));
        Assert.Contains("no examples (empty data)", Refused(empty).Message);
        var scalar = Npz(CompressionLevel.Optimal, Member("x_train", "<f4", Array.Empty<long>(), new double[] { 1 }));
        Assert.Contains("expected [N, D] vectors or [N, H, W(, C)] images, got shape []", Refused(scalar).Message);
        var featureless = Npz(CompressionLevel.Optimal, Member("x_train", "<f4", new long[] { 4, 0 }, Array.Empty<double>()));
        Assert.Contains("examples have no features", Refused(featureless).Message);
        var fiveDimensional = Npz(CompressionLevel.Optimal, Member("x_train", "<f4", new long[] { 1, 1, 1, 1, 1 }, new double[1]));
        Assert.Contains("expected [N, D] vectors or [N, H, W(, C)] images, got shape [1, 1, 1, 1, 1]", Refused(fiveDimensional).Message);
        var fiveChannels = Npz(CompressionLevel.Optimal, Member("x_train", "<f4", new long[] { 1, 2, 2, 5 }, new double[20]));
        Assert.Contains("have neither 1, 3 nor 4 channels", Refused(fiveChannels).Message);
    }

    [Fact]
    public void ACorruptArchiveIsRefusedInOneLine()
    {
        var path = Path.Combine(dir, "broken.npz");
        File.WriteAllBytes(path, new byte[] { 1, 2, 3, 4, 5 });
        var e = Refused(path);
        Assert.StartsWith($"{path}: not a readable .npz (zip) archive", e.Message);
        Assert.DoesNotContain('\n', e.Message);
    }

    [Fact]
    public void AMemberWhoseZipSizeDisagreesWithItsHeaderIsRefused()
    {
        var npy = NpyBytes.Npy(NpyBytes.Header("<f8", new long[] { 100_000, 1_000 }), new byte[16]);
        var path = Npz(CompressionLevel.Optimal, ("x_train", npy));
        Assert.Contains("member x_train: .npy header promises shape (100000, 1000) of float64 = 800000000 bytes, but 16 bytes follow the header", Refused(path).Message);
    }
}
