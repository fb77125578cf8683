using System.Buffers.Binary;
using System.Globalization;
using System.IO.Compression;
using System.Text;

namespace Latent.Tests.Data;

/// <summary>
/// A tiny .npy/.npz writer for tests, written from the NumPy format specification independently of the library's reader:
/// magic "\x93NUMPY", version, little-endian header length, a Python dict padded with spaces to a multiple of 64, then the data.
/// </summary>
public static class NpyBytes
{
    /// <summary>A .npy file of <paramref name="values"/> encoded as <paramref name="descr"/> (e.g. "&lt;f4", "&gt;i8", "|u1") with <paramref name="shape"/>.</summary>
    public static byte[] Array(string descr, long[] shape, IEnumerable<double> values, bool fortranOrder = false, int version = 1) =>
        Npy(Header(descr, shape, fortranOrder), Encode(descr, values), version);

    /// <summary>The header dictionary text NumPy writes for a plain array.</summary>
    public static string Header(string descr, long[] shape, bool fortranOrder = false)
    {
        var shapeText = shape.Length == 1 ? $"({shape[0]},)" : $"({string.Join(", ", shape)})";
        return $"{{'descr': '{descr}', 'fortran_order': {(fortranOrder ? "True" : "False")}, 'shape': {shapeText}, }}";
    }

    /// <summary>A .npy file from a raw header dictionary text and raw data bytes (for malformed-file tests).</summary>
    public static byte[] Npy(string dictionary, byte[] data, int version = 1)
    {
        int lengthBytes = version == 1 ? 2 : 4;
        int unpadded = 6 + 2 + lengthBytes + dictionary.Length + 1;
        var header = dictionary + new string(' ', (64 - unpadded % 64) % 64) + "\n";
        var headerBytes = (version == 3 ? Encoding.UTF8 : Encoding.Latin1).GetBytes(header);
        using var output = new MemoryStream();
        output.Write(new byte[] { 0x93, (byte)'N', (byte)'U', (byte)'M', (byte)'P', (byte)'Y', (byte)version, 0 });
        var length = new byte[lengthBytes];
        if (version == 1) BinaryPrimitives.WriteUInt16LittleEndian(length, (ushort)headerBytes.Length);
        else BinaryPrimitives.WriteUInt32LittleEndian(length, (uint)headerBytes.Length);
        output.Write(length);
        output.Write(headerBytes);
        output.Write(data);
        return output.ToArray();
    }

    /// <summary>Encodes <paramref name="values"/> in the byte layout of <paramref name="descr"/>.</summary>
    public static byte[] Encode(string descr, IEnumerable<double> values)
    {
        bool big = descr[0] == '>';
        char kind = descr[1];
        int size = int.Parse(descr[2..], CultureInfo.InvariantCulture);
        using var output = new MemoryStream();
        foreach (var value in values)
        {
            var bytes = new byte[size];
            switch (kind, size)
            {
                case ('u', 1): bytes[0] = (byte)value; break;
                case ('i', 1): bytes[0] = unchecked((byte)(sbyte)value); break;
                case ('u', 2): if (big) BinaryPrimitives.WriteUInt16BigEndian(bytes, (ushort)value); else BinaryPrimitives.WriteUInt16LittleEndian(bytes, (ushort)value); break;
                case ('i', 2): if (big) BinaryPrimitives.WriteInt16BigEndian(bytes, (short)value); else BinaryPrimitives.WriteInt16LittleEndian(bytes, (short)value); break;
                case ('u', 4): if (big) BinaryPrimitives.WriteUInt32BigEndian(bytes, (uint)value); else BinaryPrimitives.WriteUInt32LittleEndian(bytes, (uint)value); break;
                case ('i', 4): if (big) BinaryPrimitives.WriteInt32BigEndian(bytes, (int)value); else BinaryPrimitives.WriteInt32LittleEndian(bytes, (int)value); break;
                case ('u', 8): if (big) BinaryPrimitives.WriteUInt64BigEndian(bytes, (ulong)value); else BinaryPrimitives.WriteUInt64LittleEndian(bytes, (ulong)value); break;
                case ('i', 8): if (big) BinaryPrimitives.WriteInt64BigEndian(bytes, (long)value); else BinaryPrimitives.WriteInt64LittleEndian(bytes, (long)value); break;
                case ('f', 4): if (big) BinaryPrimitives.WriteSingleBigEndian(bytes, (float)value); else BinaryPrimitives.WriteSingleLittleEndian(bytes, (float)value); break;
                case ('f', 8): if (big) BinaryPrimitives.WriteDoubleBigEndian(bytes, value); else BinaryPrimitives.WriteDoubleLittleEndian(bytes, value); break;
                default: throw new ArgumentException($"test writer cannot encode {descr}");
            }
            output.Write(bytes);
        }
        return output.ToArray();
    }

    /// <summary>Writes an .npz archive of named .npy members (".npy" appended to each name), stored or deflated.</summary>
    public static void WriteNpz(string path, IEnumerable<(string Name, byte[] Npy)> members, CompressionLevel level)
    {
        using var file = File.Create(path);
        using var archive = new ZipArchive(file, ZipArchiveMode.Create);
        foreach (var (name, npy) in members)
        {
            using var entry = archive.CreateEntry(name + ".npy", level).Open();
            entry.Write(npy);
        }
    }
}
