using System.Buffers.Binary;
using System.IO.Compression;

namespace Latent.Data;

/// <summary>
/// Reads IDX files (LeCun's MNIST format: magic 0x0000 08 NDIM, big-endian dimensions, then unsigned bytes),
/// gzipped or raw, and validates magic, dimensions and length, reporting problems in one line naming the file.
/// </summary>
public static class IdxReader
{
    private const byte UnsignedByteType = 0x08;

    /// <summary>Reads and validates one IDX file; a ".gz" file or a file starting with the gzip signature is decompressed.</summary>
    public static IdxArray Read(string path)
    {
        if (!File.Exists(path)) throw new LatentException($"{path}: file not found");
        byte[] bytes;
        try
        {
            bytes = File.ReadAllBytes(path);
            if (bytes.Length >= 2 && bytes[0] == 0x1f && bytes[1] == 0x8b) bytes = Gunzip(bytes);
        }
        catch (InvalidDataException e)
        {
            throw new LatentException($"{path}: corrupt gzip stream ({e.Message})", e);
        }
        return Parse(bytes, path);
    }

    /// <summary>Parses an IDX byte buffer; <paramref name="name"/> is used in error messages.</summary>
    public static IdxArray Parse(ReadOnlySpan<byte> bytes, string name)
    {
        if (bytes.Length < 4) throw new LatentException($"{name}: not an IDX file (only {bytes.Length} bytes, no header)");
        if (bytes[0] != 0 || bytes[1] != 0)
            throw new LatentException($"{name}: not an IDX file (bad magic number 0x{BinaryPrimitives.ReadUInt32BigEndian(bytes):x8}, expected 0x000008NN)");
        if (bytes[2] != UnsignedByteType)
            throw new LatentException($"{name}: unsupported IDX element type 0x{bytes[2]:x2} (only unsigned byte 0x08 is used by MNIST-format files)");
        int rank = bytes[3];
        if (rank < 1 || rank > 4) throw new LatentException($"{name}: IDX header declares {rank} dimensions (expected 1 to 4)");
        int headerLength = 4 + 4 * rank;
        if (bytes.Length < headerLength) throw new LatentException($"{name}: truncated IDX header ({bytes.Length} bytes, header needs {headerLength})");
        var dims = new int[rank];
        long expected = 1;
        for (int d = 0; d < rank; d++)
        {
            uint size = BinaryPrimitives.ReadUInt32BigEndian(bytes.Slice(4 + 4 * d, 4));
            if (size == 0 || size > int.MaxValue) throw new LatentException($"{name}: IDX dimension {d} has invalid size {size}");
            dims[d] = (int)size;
            expected *= size;
            if (expected > int.MaxValue) throw new LatentException($"{name}: IDX dimensions {string.Join("x", dims.Take(d + 1))} are too large");
        }
        long payload = bytes.Length - headerLength;
        if (payload < expected)
        {
            long itemSize = expected / dims[0];
            throw new LatentException($"{name}: truncated: header promises {dims[0]} items of {itemSize} bytes ({expected} bytes) but the file holds {payload} (item {payload / itemSize} is incomplete)");
        }
        if (payload > expected)
            throw new LatentException($"{name}: {payload - expected} unexpected trailing bytes after {dims[0]} items");
        return new IdxArray(dims, bytes.Slice(headerLength).ToArray());
    }

    private static byte[] Gunzip(byte[] compressed)
    {
        using var input = new GZipStream(new MemoryStream(compressed), CompressionMode.Decompress);
        using var output = new MemoryStream();
        input.CopyTo(output);
        return output.ToArray();
    }
}
