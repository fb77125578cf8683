using System.Buffers.Binary;
using System.Text;

namespace Latent.Tests.Fuzz;

/// <summary>
/// A seeded mutator of valid inputs: truncation, bit flips, byte insertions and deletions, runs of 0x00/0xFF, extreme integers
/// written over 4 or 8 bytes (huge or negative sizes in binary headers) and duplicated chunks; the same seed gives the same cases.
/// </summary>
public sealed class Mutator
{
    private static readonly long[] Extremes = { int.MaxValue, -1, uint.MaxValue, long.MaxValue, int.MinValue, 1L << 40, 0 };
    private readonly Random random;

    /// <summary>A mutator whose cases are fixed by <paramref name="seed"/>.</summary>
    public Mutator(int seed) => random = new Random(seed);

    /// <summary><paramref name="count"/> mutated copies of <paramref name="valid"/>, each named by what was done to it.</summary>
    public IEnumerable<(string Name, byte[] Bytes)> Mutate(byte[] valid, int count)
    {
        for (int i = 0; i < count; i++) yield return One(valid);
    }

    /// <summary>One mutated copy of <paramref name="valid"/>.</summary>
    public (string Name, byte[] Bytes) One(byte[] valid)
    {
        var bytes = valid.ToList();
        int at = random.Next(Math.Max(1, bytes.Count));
        switch (random.Next(7))
        {
            case 0:
                return ($"truncated to {at} bytes", valid[..at]);
            case 1:
                int flips = 1 + random.Next(4);
                var flipped = (byte[])valid.Clone();
                for (int i = 0; i < flips && flipped.Length > 0; i++) flipped[random.Next(flipped.Length)] ^= (byte)(1 << random.Next(8));
                return ($"{flips} bit flips", flipped);
            case 2:
                var inserted = new byte[1 + random.Next(16)];
                random.NextBytes(inserted);
                bytes.InsertRange(at, inserted);
                return ($"{inserted.Length} random bytes inserted at {at}", bytes.ToArray());
            case 3:
                int deleted = Math.Min(1 + random.Next(16), bytes.Count - at);
                bytes.RemoveRange(at, deleted);
                return ($"{deleted} bytes deleted at {at}", bytes.ToArray());
            case 4:
                byte fill = random.Next(2) == 0 ? (byte)0 : (byte)0xff;
                int run = 1 + random.Next(8);
                var filled = (byte[])valid.Clone();
                for (int i = at; i < Math.Min(filled.Length, at + run); i++) filled[i] = fill;
                return ($"{run} bytes 0x{fill:x2} at {at}", filled);
            case 5:
                var extreme = Extremes[random.Next(Extremes.Length)];
                bool wide = random.Next(2) == 0, big = random.Next(2) == 0;
                var field = new byte[wide ? 8 : 4];
                if (wide && big) BinaryPrimitives.WriteInt64BigEndian(field, extreme);
                else if (wide) BinaryPrimitives.WriteInt64LittleEndian(field, extreme);
                else if (big) BinaryPrimitives.WriteInt32BigEndian(field, unchecked((int)extreme));
                else BinaryPrimitives.WriteInt32LittleEndian(field, unchecked((int)extreme));
                var overwritten = (byte[])valid.Clone();
                int start = Math.Max(0, Math.Min(at, overwritten.Length - field.Length));
                field.AsSpan(0, Math.Min(field.Length, overwritten.Length)).CopyTo(overwritten.AsSpan(start));
                return ($"{extreme} written as {field.Length} {(big ? "big" : "little")}-endian bytes at {start}", overwritten);
            default:
                int length = Math.Min(1 + random.Next(64), bytes.Count - at);
                bytes.InsertRange(random.Next(bytes.Count + 1), valid.Skip(at).Take(length));
                return ($"{length}-byte chunk from {at} duplicated", bytes.ToArray());
        }
    }

    /// <summary>
    /// A text-level mutation: the first occurrence of <paramref name="find"/> in <paramref name="valid"/> replaced by
    /// <paramref name="replacement"/> (both ASCII; the other bytes are kept exactly, binary ones included).
    /// </summary>
    public static (string Name, byte[] Bytes) Replace(byte[] valid, string find, string replacement)
    {
        var text = Encoding.Latin1.GetString(valid);
        int index = text.IndexOf(find, StringComparison.Ordinal);
        if (index < 0) throw new ArgumentException($"seed input lacks '{find}'");
        return ($"'{find}' → '{replacement}'", Encoding.Latin1.GetBytes(text[..index] + replacement + text[(index + find.Length)..]));
    }
}
