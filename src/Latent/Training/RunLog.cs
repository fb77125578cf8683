using Google.Protobuf;
using Tensorboard;

namespace Latent.Training;

/// <summary>
/// A run's TensorBoard log: scalars (training loss, learning rate, evaluations, metrics) written as TFRecord-framed Event records
/// (TorchSharp's generated protobuf types, the framing of its SummaryWriter) into one events file under a folder; view it with
/// <c>tensorboard --logdir runs</c>. Writing needs no libtorch: a model trained outside it (word2vec) does not pay libtorch's start-up for its log.
/// </summary>
public sealed class RunLog
{
    /// <summary>The folder inside a run's output folder that holds the events file.</summary>
    public const string FolderName = "tensorboard";

    /// <summary>The file-version event every events file starts with.</summary>
    private const string FileVersion = "brain.Event:2";

    private readonly string file;

    /// <summary>Creates the folder (when missing) and a fresh events file in it; the loss is to be recorded every <paramref name="everySteps"/> steps.</summary>
    public RunLog(string directory, int everySteps = 10)
    {
        if (everySteps < 1) throw new LatentException($"run-log interval must be at least 1 step, got {everySteps}");
        try
        {
            System.IO.Directory.CreateDirectory(directory);
            file = CreateEventsFile(directory);
        }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException)
        {
            throw new LatentException($"{directory}: cannot write the TensorBoard log ({e.Message.ReplaceLineEndings(" ")})", e);
        }
        (Directory, EverySteps) = (directory, everySteps);
    }

    /// <summary>A new events.out.tfevents.TICKS.HOST.PID[.N] file in <paramref name="directory"/>, holding the file-version event.</summary>
    private static string CreateEventsFile(string directory)
    {
        var stem = Path.Combine(directory, $"events.out.tfevents.{DateTime.UtcNow.Ticks}.{System.Net.Dns.GetHostName()}.{Environment.ProcessId}");
        for (int n = 0; ; n++)
        {
            var path = n == 0 ? stem : $"{stem}.{n}";
            try
            {
                using var stream = new FileStream(path, FileMode.CreateNew, FileAccess.Write);
                WriteRecord(stream, new Event { FileVersion = FileVersion, WallTime = DateTimeOffset.UtcNow.ToUnixTimeSeconds() });
                return path;
            }
            catch (IOException) when (File.Exists(path))
            {
                // Another log of this process took the name in the same tick: try the next suffix.
            }
        }
    }

    /// <summary>One TFRecord: the data's length (u64), its masked CRC-32C, the Event's bytes, their masked CRC-32C (all little-endian).</summary>
    private static void WriteRecord(Stream stream, Event record)
    {
        var data = record.ToByteArray();
        var frame = new byte[12 + data.Length + 4];
        System.Buffers.Binary.BinaryPrimitives.WriteUInt64LittleEndian(frame, (ulong)data.Length);
        System.Buffers.Binary.BinaryPrimitives.WriteUInt32LittleEndian(frame.AsSpan(8), MaskedCrc(frame.AsSpan(0, 8)));
        data.CopyTo(frame, 12);
        System.Buffers.Binary.BinaryPrimitives.WriteUInt32LittleEndian(frame.AsSpan(12 + data.Length), MaskedCrc(data));
        stream.Write(frame);
    }

    /// <summary>TFRecord's masked CRC-32C (Castagnoli): the checksum rotated right by 15 bits plus 0xa282ead8.</summary>
    private static uint MaskedCrc(ReadOnlySpan<byte> data)
    {
        uint crc = ~0u;
        foreach (var b in data) crc = System.Numerics.BitOperations.Crc32C(crc, b);
        crc = ~crc;
        return ((crc >> 15) | (crc << 17)) + 0xa282ead8;
    }

    /// <summary>
    /// The run log of a run writing into <paramref name="outDir"/> (its <see cref="FolderName"/> subfolder, and there the folder
    /// <paramref name="run"/> when one command trains several models), or null when <paramref name="options"/> turn it off.
    /// </summary>
    public static RunLog? Open(string outDir, RunLogOptions options, string? run = null) =>
        options.Validate().TensorBoard ? new RunLog(Path.Combine(outDir, FolderName, run ?? ""), options.EverySteps) : null;

    /// <summary>The folder the events file is in.</summary>
    public string Directory { get; }

    /// <summary>The interval, in optimizer steps, at which trainers record the training loss and learning rate.</summary>
    public int EverySteps { get; }

    /// <summary>Records <paramref name="value"/> under <paramref name="tag"/> (such as "train/loss") at <paramref name="step"/>, stamped with the current time; non-finite values are skipped.</summary>
    public void Scalar(string tag, double value, long step)
    {
        if (!double.IsFinite(value)) return;
        var summary = new Summary();
        summary.Value.Add(new Summary.Types.Value { Tag = tag, SimpleValue = (float)value });
        // TensorBoard expects seconds since the Unix epoch (whole seconds here).
        using var stream = new FileStream(file, FileMode.Append, FileAccess.Write);
        WriteRecord(stream, new Event { Step = Math.Max(step, 0), WallTime = DateTimeOffset.UtcNow.ToUnixTimeSeconds(), Summary = summary });
    }

    /// <summary>A figure's name as a tag part: lower case, each run of other characters than letters and digits one underscore ("test −ELBO" → "test_elbo").</summary>
    public static string Tag(string name) =>
        System.Text.RegularExpressions.Regex.Replace(name.ToLowerInvariant(), "[^a-z0-9]+", "_").Trim('_');

    /// <summary>Records each entry of <paramref name="metrics"/> (such as metrics.json's) as "<paramref name="group"/>/NAME" at <paramref name="step"/>.</summary>
    public void Metrics(IReadOnlyDictionary<string, double> metrics, long step, string group = "metrics")
    {
        foreach (var (name, value) in metrics) Scalar($"{group}/{name}", value, step);
    }
}
