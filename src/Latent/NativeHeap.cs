using System.Globalization;
using System.Runtime.InteropServices;

namespace Latent;

/// <summary>
/// Keeps glibc malloc from hoarding freed tensor buffers over long training runs, and reports the process's resident memory.
/// glibc serves blocks above its mmap threshold (128 KiB at start) with mmap and gives them back to the system when freed, but
/// its dynamic rule raises the threshold to the size of every mmapped block freed, up to 32 MiB: after the first optimizer step,
/// buffers the size of an embedding matrix, its gradient and Adam's temporaries come from the heap instead, and over an LSTM
/// language model's training the heap grew by ~10 MB per step without reusing them (21 GB by the third Brown epoch). Pinning the
/// threshold at glibc's own 128 KiB turns the dynamic rule off, so every large buffer is returned when its tensor is freed.
/// </summary>
public static class NativeHeap
{
    /// <summary>glibc's environment variable for the threshold; when the user sets it, theirs is kept.</summary>
    public const string MmapThresholdVariable = "MALLOC_MMAP_THRESHOLD_";

    /// <summary>The pinned threshold in bytes: glibc's initial default.</summary>
    public const int MmapThresholdBytes = 128 * 1024;

    private const int MmapThresholdParameter = -3;
    private const string StatusFile = "/proc/self/status";

    /// <summary>Whether <see cref="LatentRuntime.Initialize"/> pinned the threshold in this process (false off glibc, or when the user set <see cref="MmapThresholdVariable"/>).</summary>
    public static bool ThresholdPinned { get; private set; }

    /// <summary>The process's resident memory (VmRSS) in MiB, or NaN where /proc is not available.</summary>
    public static double ResidentMiB() => StatusField("VmRSS:");

    /// <summary>The process's peak resident memory so far (VmHWM) in MiB, or NaN where /proc is not available.</summary>
    public static double PeakResidentMiB() => StatusField("VmHWM:");

    /// <summary>Pins glibc's mmap threshold at <see cref="MmapThresholdBytes"/> unless the user set <see cref="MmapThresholdVariable"/>; a no-op off Linux or off glibc.</summary>
    internal static void PinMmapThreshold()
    {
        if (!OperatingSystem.IsLinux() || !string.IsNullOrEmpty(Environment.GetEnvironmentVariable(MmapThresholdVariable))) return;
        try
        {
            ThresholdPinned = SetMallocOption(MmapThresholdParameter, MmapThresholdBytes) == 1;
        }
        catch (Exception e) when (e is EntryPointNotFoundException or DllNotFoundException)
        {
            // Not glibc (for example musl): its allocator has no dynamic threshold to pin.
        }
    }

    private static double StatusField(string name)
    {
        if (!File.Exists(StatusFile)) return double.NaN;
        var line = File.ReadLines(StatusFile).FirstOrDefault(l => l.StartsWith(name, StringComparison.Ordinal));
        return line is null ? double.NaN : long.Parse(line[name.Length..].Trim().Split(' ')[0], CultureInfo.InvariantCulture) / 1024.0;
    }

    [DllImport("libc", EntryPoint = "mallopt")]
    private static extern int SetMallocOption(int parameter, int value);
}
