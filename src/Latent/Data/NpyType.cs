using System.Buffers.Binary;

namespace Latent.Data;

/// <summary>A numeric NumPy dtype as written in a .npy header ("&lt;f4", "|u1", "&gt;i8", …): kind 'u', 'i' or 'f', size in bytes and byte order.</summary>
public sealed record NpyType(char Kind, int Size, bool BigEndian)
{
    /// <summary>
    /// Parses a dtype descriptor; integer sizes 1, 2, 4, 8 and float sizes 4, 8 are accepted, anything else (text, objects, complex,
    /// structured arrays, half precision) is refused in one line naming <paramref name="description"/> and the descriptor.
    /// </summary>
    public static NpyType Parse(string descriptor, string description)
    {
        var text = descriptor;
        bool bigEndian = false;
        if (text.Length > 0 && text[0] is '<' or '>' or '|' or '=')
        {
            bigEndian = text[0] == '>' || text[0] == '=' && !BitConverter.IsLittleEndian;
            text = text[1..];
        }
        if (text.Length >= 2 && int.TryParse(text[1..], System.Globalization.NumberStyles.None, System.Globalization.CultureInfo.InvariantCulture, out var size))
        {
            var kind = text[0];
            if ((kind is 'u' or 'i' && size is 1 or 2 or 4 or 8) || (kind == 'f' && size is 4 or 8))
                return new NpyType(kind, size, bigEndian && size > 1);
        }
        throw new LatentException($"{description} has unsupported dtype '{descriptor}' (supported: uint8/16/32/64, int8/16/32/64, float32, float64)");
    }

    /// <summary>The NumPy name of the type, e.g. "uint8" or "float64 (big-endian)".</summary>
    public override string ToString() =>
        (Kind switch { 'u' => "uint", 'i' => "int", _ => "float" }) + (8 * Size) + (BigEndian ? " (big-endian)" : "");

    /// <summary>Reads one float element from <paramref name="bytes"/> (exactly <see cref="Size"/> bytes).</summary>
    public double ReadFloat(ReadOnlySpan<byte> bytes) => Size == 4
        ? (BigEndian ? BinaryPrimitives.ReadSingleBigEndian(bytes) : BinaryPrimitives.ReadSingleLittleEndian(bytes))
        : (BigEndian ? BinaryPrimitives.ReadDoubleBigEndian(bytes) : BinaryPrimitives.ReadDoubleLittleEndian(bytes));

    /// <summary>Reads one integer element; a uint64 above the int64 range is refused naming <paramref name="description"/>.</summary>
    public long ReadInteger(ReadOnlySpan<byte> bytes, string description)
    {
        if (Kind == 'u' && Size == 8)
        {
            var unsigned = BigEndian ? BinaryPrimitives.ReadUInt64BigEndian(bytes) : BinaryPrimitives.ReadUInt64LittleEndian(bytes);
            return unsigned <= long.MaxValue ? (long)unsigned : throw new LatentException($"{description}: value {unsigned} is too large for a label");
        }
        return (Kind, Size) switch
        {
            ('u', 1) => bytes[0],
            ('i', 1) => (sbyte)bytes[0],
            ('u', 2) => BigEndian ? BinaryPrimitives.ReadUInt16BigEndian(bytes) : BinaryPrimitives.ReadUInt16LittleEndian(bytes),
            ('i', 2) => BigEndian ? BinaryPrimitives.ReadInt16BigEndian(bytes) : BinaryPrimitives.ReadInt16LittleEndian(bytes),
            ('u', 4) => BigEndian ? BinaryPrimitives.ReadUInt32BigEndian(bytes) : BinaryPrimitives.ReadUInt32LittleEndian(bytes),
            ('i', 4) => BigEndian ? BinaryPrimitives.ReadInt32BigEndian(bytes) : BinaryPrimitives.ReadInt32LittleEndian(bytes),
            _ => BigEndian ? BinaryPrimitives.ReadInt64BigEndian(bytes) : BinaryPrimitives.ReadInt64LittleEndian(bytes),
        };
    }
}
