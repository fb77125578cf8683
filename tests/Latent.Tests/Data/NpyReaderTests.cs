using System.Text;
using Latent.Data;

namespace Latent.Tests.Data;

public class NpyReaderTests : TorchTest, IDisposable
{
    private readonly string dir = Directory.CreateTempSubdirectory("latent-npy-").FullName;

    public void Dispose() => Directory.Delete(dir, true);

    private string Write(byte[] bytes, string name = "a.npy")
    {
        var path = Path.Combine(dir, name);
        File.WriteAllBytes(path, bytes);
        return path;
    }

    private LatentException Refused(byte[] bytes) => Assert.Throws<LatentException>(() => NpyReader.Read(Write(bytes)));

    [Theory]
    [InlineData("<f4")]
    [InlineData(">f4")]
    [InlineData("<f8")]
    [InlineData(">f8")]
    public void FloatFeaturesOfEitherByteOrderAndWidthReadAsTheyAre(string descr)
    {
        var values = new[] { 0.5, -1.25, 3.0, 1e-3, 42.0, -7.5 };
        var array = NpyReader.Read(Write(NpyBytes.Array(descr, new long[] { 2, 3 }, values)));
        using var features = array.ToFeatures();
        Assert.Equal(new long[] { 2, 3 }, features.shape);
        Assert.Equal(values.Select(v => (float)v).ToArray(), features.data<float>().ToArray());
    }

    [Fact]
    public void Uint8FeaturesAreScaledToTheUnitInterval()
    {
        using var features = NpyReader.Read(Write(NpyBytes.Array("|u1", new long[] { 1, 3 }, new double[] { 0, 51, 255 }))).ToFeatures();
        Assert.Equal(new[] { 0f, 0.2f, 1f }, features.data<float>().ToArray());
    }

    [Theory]
    [InlineData("|u1")]
    [InlineData("|i1")]
    [InlineData("<u2")]
    [InlineData(">u2")]
    [InlineData("<i2")]
    [InlineData(">i2")]
    [InlineData("<u4")]
    [InlineData(">u4")]
    [InlineData("<i4")]
    [InlineData(">i4")]
    [InlineData("<u8")]
    [InlineData(">u8")]
    [InlineData("<i8")]
    [InlineData(">i8")]
    [InlineData("<f4")]
    [InlineData(">f8")]
    public void LabelsOfEveryIntegerDtypeAndIntegralFloatsRead(string descr)
    {
        var array = NpyReader.Read(Write(NpyBytes.Array(descr, new long[] { 4 }, new double[] { 0, 2, 1, 120 })));
        Assert.Equal(new long[] { 0, 2, 1, 120 }, array.ToLabels());
    }

    [Fact]
    public void ColumnLabelsOfShapeNBy1Read()
    {
        var array = NpyReader.Read(Write(NpyBytes.Array("<i4", new long[] { 3, 1 }, new double[] { 6, 1, 9 })));
        Assert.Equal(new long[] { 6, 1, 9 }, array.ToLabels());
    }

    [Theory]
    [InlineData(1)]
    [InlineData(2)]
    [InlineData(3)]
    public void EveryFormatVersionReads(int version)
    {
        var array = NpyReader.Read(Write(NpyBytes.Array("<f4", new long[] { 2, 2 }, new double[] { 1, 2, 3, 4 }, version: version)));
        Assert.Equal(new long[] { 2, 2 }, array.Shape);
        using var features = array.ToFeatures();
        Assert.Equal(new[] { 1f, 2f, 3f, 4f }, features.data<float>().ToArray());
    }

    [Fact]
    public void FortranOrderIsTransposedToCOrder()
    {
        // The 2×3 matrix [[1, 2, 3], [4, 5, 6]] in column-major order is 1, 4, 2, 5, 3, 6.
        var array = NpyReader.Read(Write(NpyBytes.Array("<f8", new long[] { 2, 3 }, new double[] { 1, 4, 2, 5, 3, 6 }, fortranOrder: true)));
        using var features = array.ToFeatures();
        Assert.Equal(new long[] { 2, 3 }, features.shape);
        Assert.Equal(new[] { 1f, 2f, 3f, 4f, 5f, 6f }, features.data<float>().ToArray());
    }

    [Fact]
    public void AFileWithoutTheMagicStringIsRefused()
    {
        var e = Refused(Encoding.ASCII.GetBytes("label,x\n1,2\n"));
        Assert.Contains("a.npy: not a NumPy .npy array", e.Message);
    }

    [Fact]
    public void AnUnknownFormatVersionIsRefused()
    {
        var bytes = NpyBytes.Array("<f4", new long[] { 1 }, new double[] { 1 });
        bytes[6] = 9;
        Assert.Contains("unsupported .npy format version 9", Refused(bytes).Message);
    }

    [Fact]
    public void AHeaderLongerThanTheFileIsRefused()
    {
        var bytes = NpyBytes.Array("<f4", new long[] { 1 }, new double[] { 1 });
        bytes[8] = 0xff;
        bytes[9] = 0xff;
        Assert.Contains("header claims 65535 bytes", Refused(bytes).Message);
    }

    [Fact]
    public void AShapeThatDisagreesWithTheBytesPresentIsRefusedBeforeAllocating()
    {
        var e = Refused(NpyBytes.Npy(NpyBytes.Header("<f4", new long[] { 3, 2 }), NpyBytes.Encode("<f4", new double[] { 1, 2, 3, 4 })));
        Assert.Contains("promises shape (3, 2) of float32 = 24 bytes, but 16 bytes follow the header", e.Message);
    }

    [Fact]
    public void HugeAndNegativeDimensionsAreRefusedWithoutAllocating()
    {
        Assert.Contains("too large to load", Refused(NpyBytes.Npy(NpyBytes.Header("<f8", new long[] { 1_000_000_000_000, 1_000_000 }), new byte[8])).Message);
        Assert.Contains("too large to load", Refused(NpyBytes.Npy(NpyBytes.Header("<f8", new long[] { 1L << 62, 1L << 62 }), new byte[8])).Message);
        Assert.Contains("has a negative dimension", Refused(NpyBytes.Npy(NpyBytes.Header("<f4", new long[] { -1, 4 }), new byte[16])).Message);
    }

    [Fact]
    public void TruncatedHeadersAreRefused()
    {
        var bytes = NpyBytes.Array("<f4", new long[] { 1 }, new double[] { 1 });
        Assert.Contains("header claims", Refused(bytes.Take(20).ToArray()).Message);
        Assert.Contains("not a NumPy .npy array", Refused(bytes.Take(5).ToArray()).Message);
    }

    [Theory]
    [InlineData("<U5", "unsupported dtype '<U5'")]
    [InlineData("<c16", "unsupported dtype '<c16'")]
    [InlineData("|b1", "unsupported dtype '|b1'")]
    [InlineData("|O", "unsupported dtype '|O'")]
    [InlineData("<f2", "unsupported dtype '<f2'")]
    public void UnsupportedDtypesAreNamed(string descr, string expected)
    {
        Assert.Contains(expected, Refused(NpyBytes.Npy(NpyBytes.Header(descr, new long[] { 2 }), new byte[32])).Message);
    }

    [Fact]
    public void StructuredArraysAreRefused()
    {
        var e = Refused(NpyBytes.Npy("{'descr': [('a', '<f4'), ('b', '<i4')], 'fortran_order': False, 'shape': (1,), }", new byte[8]));
        Assert.Contains("unsupported structured dtype", e.Message);
    }

    [Theory]
    [InlineData("{'fortran_order': False, 'shape': (1,), }", "no 'descr'")]
    [InlineData("{'descr': '<f4', 'shape': (1,), }", "no fortran_order")]
    [InlineData("{'descr': '<f4', 'fortran_order': False, 'shape': ('x',), }", "no shape tuple of integers")]
    [InlineData("{'descr': '<f4', 'fortran_order': False, 'shape': (1,), ", "header ends early")]
    [InlineData("['descr', '<f4']", "is not a Python dictionary")]
    [InlineData("{'descr': '<f4', 'fortran_order': Maybe, 'shape': (1,)}", "unexpected 'Maybe'")]
    [InlineData("{'descr': '<f4', 'shape': ((((((1,),),),),),)}", "nests too deeply")]
    public void MalformedHeadersAreRefusedInOneLine(string dictionary, string expected)
    {
        var e = Refused(NpyBytes.Npy(dictionary, new byte[4]));
        Assert.Contains(expected, e.Message);
        Assert.DoesNotContain('\n', e.Message);
    }

    [Fact]
    public void IntegerFeaturesOtherThanUint8AreRefusedNamingTheDtype()
    {
        var array = NpyReader.Read(Write(NpyBytes.Array("<i8", new long[] { 2, 1 }, new double[] { 1, 2 })));
        Assert.Contains("a.npy has dtype int64; features must be uint8, float32 or float64", Assert.Throws<LatentException>(() => array.ToFeatures()).Message);
    }

    [Fact]
    public void NaNAndInfiniteFeaturesAreRefusedNamingTheExample()
    {
        var nan = NpyReader.Read(Write(NpyBytes.Array("<f4", new long[] { 3, 2 }, new double[] { 0, 1, 2, 3, double.NaN, 5 })));
        Assert.Contains("holds a NaN or infinite value (example 2)", Assert.Throws<LatentException>(() => nan.ToFeatures()).Message);
        var tooLarge = NpyReader.Read(Write(NpyBytes.Array("<f8", new long[] { 2, 1 }, new[] { 0, 1e300 })));
        Assert.Contains("(example 1) after conversion to float32", Assert.Throws<LatentException>(() => tooLarge.ToFeatures()).Message);
    }

    [Fact]
    public void BadLabelsAreRefusedNamingTheExample()
    {
        var fractional = NpyReader.Read(Write(NpyBytes.Array("<f8", new long[] { 3 }, new[] { 0, 1.5, 2 })));
        Assert.Contains("label 1.5 (example 1) is not an integer", Assert.Throws<LatentException>(() => fractional.ToLabels()).Message);
        var negative = NpyReader.Read(Write(NpyBytes.Array("<i2", new long[] { 3 }, new double[] { 0, 1, -2 })));
        Assert.Contains("label -2 (example 2) is negative", Assert.Throws<LatentException>(() => negative.ToLabels()).Message);
        var matrix = NpyReader.Read(Write(NpyBytes.Array("<i8", new long[] { 2, 2 }, new double[] { 0, 1, 1, 0 })));
        Assert.Contains("labels must have shape [N] or [N, 1], got [2, 2]", Assert.Throws<LatentException>(() => matrix.ToLabels()).Message);
        var huge = NpyReader.Read(Write(NpyBytes.Array("<u8", new long[] { 1 }, new[] { 1.8e19 })));
        Assert.Contains("too large for a label", Assert.Throws<LatentException>(() => huge.ToLabels()).Message);
    }
}
