using System.Buffers.Binary;
using System.Globalization;
using System.Text;

namespace Latent.Data;

/// <summary>
/// Reads NumPy .npy arrays (format versions 1, 2 and 3): checks the magic string, the header dictionary (descr, fortran_order,
/// shape) and that the shape matches the bytes present before allocating anything, so a malformed file fails in one line.
/// </summary>
public static class NpyReader
{
    private static readonly byte[] Magic = { 0x93, (byte)'N', (byte)'U', (byte)'M', (byte)'P', (byte)'Y' };
    private const int MaxHeaderLength = 1 << 20;

    /// <summary>Reads the .npy file at <paramref name="path"/>.</summary>
    public static NpyArray Read(string path)
    {
        if (!File.Exists(path)) throw new LatentException($"{path}: file not found");
        try
        {
            using var stream = File.OpenRead(path);
            return Read(stream, stream.Length, path);
        }
        catch (IOException e)
        {
            throw new LatentException($"{path}: cannot read ({e.Message})", e);
        }
    }

    /// <summary>
    /// Reads one array from <paramref name="stream"/>, which holds <paramref name="length"/> bytes in all (header and data);
    /// <paramref name="description"/> names the array in messages.
    /// </summary>
    public static NpyArray Read(Stream stream, long length, string description)
    {
        var prefix = new byte[Magic.Length + 2];
        if (length < prefix.Length || ReadUpTo(stream, prefix) < prefix.Length || !prefix.AsSpan(0, Magic.Length).SequenceEqual(Magic))
            throw new LatentException($"{description}: not a NumPy .npy array (no \\x93NUMPY magic string)");
        int major = prefix[Magic.Length];
        if (major is < 1 or > 3) throw new LatentException($"{description}: unsupported .npy format version {major}.{prefix[Magic.Length + 1]} (expected 1, 2 or 3)");
        var lengthField = new byte[major == 1 ? 2 : 4];
        if (ReadUpTo(stream, lengthField) < lengthField.Length) throw new LatentException($"{description}: truncated .npy header");
        long headerLength = major == 1 ? BinaryPrimitives.ReadUInt16LittleEndian(lengthField) : BinaryPrimitives.ReadUInt32LittleEndian(lengthField);
        long dataLength = length - prefix.Length - lengthField.Length - headerLength;
        if (headerLength > MaxHeaderLength || dataLength < 0)
            throw new LatentException($"{description}: .npy header claims {headerLength} bytes, more than the {length}-byte array holds");
        var headerBytes = new byte[headerLength];
        if (ReadUpTo(stream, headerBytes) < headerBytes.Length) throw new LatentException($"{description}: truncated .npy header");
        var header = (major == 3 ? Encoding.UTF8 : Encoding.Latin1).GetString(headerBytes);
        var fields = HeaderDictionary.Parse(header, description);

        if (!fields.TryGetValue("descr", out var descr)) throw new LatentException($"{description}: .npy header has no 'descr'");
        if (descr is not string descriptor) throw new LatentException($"{description} has an unsupported structured dtype (supported: plain numeric arrays)");
        var type = NpyType.Parse(descriptor, description);
        if (!fields.TryGetValue("fortran_order", out var order) || order is not bool fortranOrder)
            throw new LatentException($"{description}: .npy header has no fortran_order True/False");
        if (!fields.TryGetValue("shape", out var shapeValue) || shapeValue is not List<object?> dims || dims.Any(d => d is not long))
            throw new LatentException($"{description}: .npy header has no shape tuple of integers");
        var shape = dims.Cast<long>().ToArray();
        long count = 1;
        foreach (var dim in shape)
        {
            if (dim < 0) throw new LatentException($"{description}: .npy shape ({string.Join(", ", shape)}) has a negative dimension");
            if (dim > 0 && count > Array.MaxLength / type.Size / dim)
                throw new LatentException($"{description}: .npy shape ({string.Join(", ", shape)}) is too large to load");
            count *= dim;
        }
        long expected = count * type.Size;
        if (expected != dataLength)
            throw new LatentException($"{description}: .npy header promises shape ({string.Join(", ", shape)}) of {type} = {expected} bytes, but {dataLength} bytes follow the header");
        return new NpyArray(description, type, shape, fortranOrder, ReadData(stream, expected, description));
    }

    /// <summary>Reads exactly <paramref name="expected"/> bytes, growing the buffer only as data arrives (a lying length cannot force a huge allocation).</summary>
    private static byte[] ReadData(Stream stream, long expected, string description)
    {
        var buffer = new byte[Math.Min(expected, 1 << 20)];
        long filled = 0;
        while (filled < expected)
        {
            if (filled == buffer.Length) Array.Resize(ref buffer, (int)Math.Min(expected, 2L * buffer.Length));
            int read = stream.Read(buffer, (int)filled, buffer.Length - (int)filled);
            if (read == 0) throw new LatentException($"{description}: truncated .npy data ({filled} of {expected} bytes)");
            filled += read;
        }
        if (stream.ReadByte() >= 0) throw new LatentException($"{description}: unexpected bytes after the .npy data");
        return buffer;
    }

    private static int ReadUpTo(Stream stream, byte[] buffer) => stream.ReadAtLeast(buffer, buffer.Length, throwOnEndOfStream: false);

    /// <summary>The Python literal dictionary of a .npy header: string keys; string, True/False/None, integer and tuple values.</summary>
    private sealed class HeaderDictionary
    {
        private readonly string text;
        private readonly string description;
        private int position;
        private int depth;

        private HeaderDictionary(string text, string description)
        {
            this.text = text;
            this.description = description;
        }

        public static Dictionary<string, object?> Parse(string text, string description)
        {
            var parser = new HeaderDictionary(text, description);
            var value = parser.Value();
            parser.SkipSpace();
            if (value is not Dictionary<string, object?> dictionary || parser.position != text.Length)
                throw parser.Error("is not a Python dictionary");
            return dictionary;
        }

        private object? Value()
        {
            SkipSpace();
            if (position >= text.Length) throw Error("ends early");
            char c = text[position];
            if (c == '{') return Sequence('}', dictionary: true);
            if (c is '(' or '[') return Sequence(c == '(' ? ')' : ']', dictionary: false);
            if (c is '\'' or '"') return String(c);
            int start = position;
            while (position < text.Length && (char.IsLetterOrDigit(text[position]) || text[position] is '-' or '+')) position++;
            var word = text[start..position];
            if (word == "True") return true;
            if (word == "False") return false;
            if (word == "None") return null;
            if (long.TryParse(word.TrimEnd('L'), NumberStyles.AllowLeadingSign, CultureInfo.InvariantCulture, out var number)) return number;
            throw Error($"has an unexpected '{(word.Length > 0 ? word : c.ToString())}' at character {start}");
        }

        private object Sequence(char close, bool dictionary)
        {
            if (++depth > 4) throw Error("nests too deeply");
            position++;
            var items = new List<object?>();
            var entries = new Dictionary<string, object?>();
            while (true)
            {
                SkipSpace();
                if (position < text.Length && text[position] == close)
                {
                    position++;
                    depth--;
                    return dictionary ? entries : items;
                }
                var item = Value();
                if (dictionary)
                {
                    SkipSpace();
                    if (item is not string key || position >= text.Length || text[position] != ':') throw Error("has a malformed dictionary entry");
                    position++;
                    entries[key] = Value();
                }
                else items.Add(item);
                SkipSpace();
                if (position < text.Length && text[position] == ',') position++;
                else if (position >= text.Length || text[position] != close) throw Error($"is missing a '{close}'");
            }
        }

        private string String(char quote)
        {
            int end = text.IndexOf(quote, position + 1);
            if (end < 0) throw Error("has an unterminated string");
            var value = text[(position + 1)..end];
            position = end + 1;
            return value;
        }

        private void SkipSpace()
        {
            while (position < text.Length && (char.IsWhiteSpace(text[position]) || text[position] == '\0')) position++;
        }

        private LatentException Error(string problem) => new($"{description}: .npy header {problem}");
    }
}
