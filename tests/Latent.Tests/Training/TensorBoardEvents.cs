using Google.Protobuf;

namespace Latent.Tests.Training;

/// <summary>
/// Reads TensorBoard events files independently of the writer: TFRecord framing (uint64 length, masked CRC-32C of the length,
/// data, masked CRC-32C of the data, every checksum verified) around Event protobufs, of which the scalar summaries are returned.
/// </summary>
public static class TensorBoardEvents
{
    /// <summary>One scalar: its event's wall time (seconds since the Unix epoch) and step, the tag and the value.</summary>
    public sealed record Scalar(double WallTime, long Step, string Tag, float Value);

    /// <summary>Every scalar in the events files under <paramref name="directory"/>, in file order.</summary>
    public static List<Scalar> ReadDirectory(string directory) =>
        Directory.EnumerateFiles(directory, "events.out.tfevents.*", SearchOption.AllDirectories).Order().SelectMany(Read).ToList();

    /// <summary>Every scalar in one events file; the first record must be the file-version event.</summary>
    public static List<Scalar> Read(string path)
    {
        var bytes = File.ReadAllBytes(path);
        var scalars = new List<Scalar>();
        int position = 0, records = 0;
        while (position < bytes.Length)
        {
            Assert.True(bytes.Length - position >= 12, $"{path}: truncated record header at byte {position}");
            var lengthBytes = bytes.AsSpan(position, 8);
            ulong length = BitConverter.ToUInt64(lengthBytes);
            Assert.Equal(MaskedCrc(lengthBytes), BitConverter.ToUInt32(bytes, position + 8));
            position += 12;
            Assert.True((ulong)(bytes.Length - position) >= length + 4, $"{path}: truncated record at byte {position}");
            var data = bytes.AsSpan(position, (int)length);
            Assert.Equal(MaskedCrc(data), BitConverter.ToUInt32(bytes, position + (int)length));
            position += (int)length + 4;
            var (wallTime, step, fileVersion, values) = ParseEvent(data.ToArray());
            if (records++ == 0) Assert.StartsWith("brain.Event:", fileVersion);
            scalars.AddRange(values.Select(v => new Scalar(wallTime, step, v.Tag, v.Value)));
        }
        return scalars;
    }

    /// <summary>Event: wall_time = 1 (double), step = 2 (int64), file_version = 3 (string), summary = 5 (Summary).</summary>
    private static (double WallTime, long Step, string? FileVersion, List<(string Tag, float Value)> Values) ParseEvent(byte[] data)
    {
        var input = new CodedInputStream(data);
        double wallTime = 0;
        long step = 0;
        string? fileVersion = null;
        var values = new List<(string, float)>();
        uint tag;
        while ((tag = input.ReadTag()) != 0)
        {
            switch (WireFormat.GetTagFieldNumber(tag))
            {
                case 1: wallTime = input.ReadDouble(); break;
                case 2: step = input.ReadInt64(); break;
                case 3: fileVersion = input.ReadString(); break;
                case 5: values.AddRange(ParseSummary(input.ReadBytes().ToByteArray())); break;
                default: input.SkipLastField(); break;
            }
        }
        return (wallTime, step, fileVersion, values);
    }

    /// <summary>Summary: repeated Value value = 1; Value: tag = 1 (string), simple_value = 2 (float).</summary>
    private static IEnumerable<(string Tag, float Value)> ParseSummary(byte[] data)
    {
        var input = new CodedInputStream(data);
        uint tag;
        while ((tag = input.ReadTag()) != 0)
        {
            if (WireFormat.GetTagFieldNumber(tag) != 1)
            {
                input.SkipLastField();
                continue;
            }
            var value = new CodedInputStream(input.ReadBytes().ToByteArray());
            string name = "";
            float number = float.NaN;
            uint field;
            while ((field = value.ReadTag()) != 0)
            {
                switch (WireFormat.GetTagFieldNumber(field))
                {
                    case 1: name = value.ReadString(); break;
                    case 2: number = value.ReadFloat(); break;
                    default: value.SkipLastField(); break;
                }
            }
            yield return (name, number);
        }
    }

    /// <summary>TFRecord's masked CRC-32C: the Castagnoli checksum rotated right by 15 bits plus 0xa282ead8.</summary>
    private static uint MaskedCrc(ReadOnlySpan<byte> data)
    {
        uint crc = 0xFFFFFFFF;
        foreach (var b in data)
        {
            crc ^= b;
            for (int k = 0; k < 8; k++) crc = (crc & 1) != 0 ? (crc >> 1) ^ 0x82F63B78 : crc >> 1;
        }
        crc = ~crc;
        return ((crc >> 15) | (crc << 17)) + 0xa282ead8;
    }
}
