using System.Buffers.Binary;
using System.IO.Compression;
using Latent.Data;

namespace Latent.Tests.Data;

public class IdxReaderTests : IDisposable
{
    private readonly string dir = Directory.CreateTempSubdirectory("latent-idx-").FullName;

    public void Dispose() => Directory.Delete(dir, true);

    internal static byte[] Idx(byte[] values, params int[] dims)
    {
        var bytes = new byte[4 + 4 * dims.Length + values.Length];
        bytes[2] = 0x08;
        bytes[3] = (byte)dims.Length;
        for (int d = 0; d < dims.Length; d++) BinaryPrimitives.WriteInt32BigEndian(bytes.AsSpan(4 + 4 * d), dims[d]);
        values.CopyTo(bytes, 4 + 4 * dims.Length);
        return bytes;
    }

    private string Write(string name, byte[] bytes)
    {
        var path = Path.Combine(dir, name);
        File.WriteAllBytes(path, bytes);
        return path;
    }

    [Fact]
    public void ReadsRawAndGzippedFilesAlike()
    {
        var values = Enumerable.Range(0, 2 * 3 * 2).Select(i => (byte)i).ToArray();
        var raw = Idx(values, 2, 3, 2);
        using var gz = new MemoryStream();
        using (var zip = new GZipStream(gz, CompressionLevel.Fastest, leaveOpen: true)) zip.Write(raw);
        var a = IdxReader.Read(Write("a-idx3-ubyte", raw));
        var b = IdxReader.Read(Write("b-idx3-ubyte.gz", gz.ToArray()));
        Assert.Equal(new[] { 2, 3, 2 }, a.Dimensions);
        Assert.Equal(values, a.Values);
        Assert.Equal(a.Values, b.Values);
        Assert.Equal(6, a.ItemSize);
    }

    [Fact]
    public void WrongMagicIsReportedWithTheFileName()
    {
        var bytes = Idx(new byte[4], 4);
        bytes[0] = 0x1f;
        bytes[1] = 0x00;
        var e = Assert.Throws<LatentException>(() => IdxReader.Read(Write("bad-magic", bytes)));
        Assert.Contains("bad-magic", e.Message);
        Assert.Contains("magic", e.Message);
        Assert.DoesNotContain('\n', e.Message);
    }

    [Fact]
    public void TruncationMidImageNamesTheIncompleteItem()
    {
        var bytes = Idx(new byte[3 * 4], 3, 2, 2);
        var e = Assert.Throws<LatentException>(() => IdxReader.Read(Write("short", bytes[..^3])));
        Assert.Contains("short: truncated", e.Message);
        Assert.Contains("item 2 is incomplete", e.Message);
    }

    [Fact]
    public void TrailingBytesAndTruncatedHeadersAreRejected()
    {
        Assert.Contains("trailing", Assert.Throws<LatentException>(() => IdxReader.Read(Write("long", Idx(new byte[5], 4)))).Message);
        Assert.Contains("header", Assert.Throws<LatentException>(() => IdxReader.Read(Write("hdr", Idx(new byte[4], 2, 2)[..9]))).Message);
        Assert.Contains("not found", Assert.Throws<LatentException>(() => IdxReader.Read(Path.Combine(dir, "missing"))).Message);
    }
}
