using System.Collections;
using System.Globalization;
using System.Runtime.InteropServices;

namespace Latent;

/// <summary>
/// Tells glibc malloc to keep freed tensor buffers for reuse, and reports the process's resident memory and page faults.
/// Memory the process touches for the first time costs a page fault per 4 KiB page; on some virtual machines that runs at
/// about 0.5 GB/s against tens of GB/s for memory already mapped. glibc by default serves blocks above its mmap threshold
/// (128 KiB at start, raised dynamically up to 32 MiB) with mmap and unmaps them when freed, and trims the heap's top when
/// 128 KiB are free there, so a training step that frees and reallocates its buffers faults them all in again every step.
/// <see cref="SetReusePolicy"/> fixes the threshold at 32 MiB (which also turns the dynamic rule off), never trims and pads
/// each heap growth by 256 MiB: buffers up to 32 MiB come from the heap and are reused step after step, and resident memory
/// stays at the working set of a step.
/// An earlier policy pinned the threshold at 128 KiB instead, against heap growth seen over a long LM run under the dynamic rule;
/// with the threshold fixed (which turns that rule off) the lm-memory and svgp-memory benchmarks stay flat.
/// </summary>
public static class NativeHeap
{
    /// <summary>The mmap threshold the policy sets, in bytes: glibc's largest (blocks at or above it are still mmapped).</summary>
    public const int MmapThresholdBytes = 32 * 1024 * 1024;

    /// <summary>The trim threshold the policy sets: the largest value, so free memory at the heap's top is never handed back.</summary>
    public const int TrimThresholdBytes = int.MaxValue;

    /// <summary>The padding the policy adds to every heap growth, in bytes, so that a growing working set extends the heap in few steps.</summary>
    public const int TopPadBytes = 256 * 1024 * 1024;

    /// <summary>The prefix of glibc's malloc environment variables (MALLOC_MMAP_THRESHOLD_, MALLOC_ARENA_MAX, …).</summary>
    public const string MallocVariablePrefix = "MALLOC_";

    /// <summary>glibc's tunables variable, which can also set malloc's parameters.</summary>
    public const string TunablesVariable = "GLIBC_TUNABLES";

    private const int TrimThresholdParameter = -1, TopPadParameter = -2, MmapThresholdParameter = -3;
    private const string StatusFile = "/proc/self/status", StatFile = "/proc/self/stat";

    /// <summary>Whether <see cref="LatentRuntime.Initialize"/> applied the reuse policy in this process (false off glibc, or when the user set malloc's parameters).</summary>
    public static bool ReusePolicyApplied { get; private set; }

    /// <summary>What the allocator does in this process and why, for the runtime line (empty before <see cref="LatentRuntime.Initialize"/>).</summary>
    public static string Description { get; private set; } = "";

    /// <summary>The names of the variables in <paramref name="environment"/> through which the user set glibc malloc's parameters (MALLOC_* or GLIBC_TUNABLES), sorted.</summary>
    public static IReadOnlyList<string> UserAllocatorVariables(IDictionary environment) =>
        environment.Keys.Cast<object>().Select(k => k.ToString() ?? "")
            .Where(k => (k.StartsWith(MallocVariablePrefix, StringComparison.Ordinal) || k == TunablesVariable) && !string.IsNullOrEmpty(environment[k]?.ToString()))
            .Order(StringComparer.Ordinal).ToList();

    /// <summary>The process's resident memory (VmRSS) in MiB, or NaN where /proc is not available.</summary>
    public static double ResidentMiB() => StatusField("VmRSS:");

    /// <summary>The process's peak resident memory so far (VmHWM) in MiB, or NaN where /proc is not available.</summary>
    public static double PeakResidentMiB() => StatusField("VmHWM:");

    /// <summary>Minor page faults of this process so far (field 10 of /proc/self/stat: first touches of mapped memory), or -1 where /proc is not available.</summary>
    public static long MinorPageFaults()
    {
        if (!File.Exists(StatFile)) return -1;
        var text = File.ReadAllText(StatFile);
        // The command name (field 2) is in parentheses and may hold spaces; the fields after it are numbers.
        var fields = text[(text.LastIndexOf(')') + 2)..].Split(' ');
        return long.Parse(fields[10 - 3], CultureInfo.InvariantCulture);
    }

    /// <summary>
    /// Applies the reuse policy (<see cref="MmapThresholdBytes"/>, <see cref="TrimThresholdBytes"/>, <see cref="TopPadBytes"/>) through
    /// mallopt, unless the user set any of malloc's parameters in the environment (theirs win); a no-op off Linux or off glibc.
    /// </summary>
    internal static void SetReusePolicy()
    {
        if (!OperatingSystem.IsLinux())
        {
            Description = "allocator: the system's own";
            return;
        }
        var user = UserAllocatorVariables(Environment.GetEnvironmentVariables());
        if (user.Count > 0)
        {
            Description = $"glibc malloc as the user set it ({string.Join(", ", user)})";
            return;
        }
        try
        {
            ReusePolicyApplied = SetMallocOption(MmapThresholdParameter, MmapThresholdBytes) == 1
                & SetMallocOption(TrimThresholdParameter, TrimThresholdBytes) == 1
                & SetMallocOption(TopPadParameter, TopPadBytes) == 1;
            Description = ReusePolicyApplied
                ? $"glibc malloc keeps freed blocks under {MmapThresholdBytes >> 20} MiB for reuse (no trimming, heap grows by {TopPadBytes >> 20} MiB; set any {MallocVariablePrefix}* variable to choose)"
                : "glibc malloc refused the reuse policy; its defaults apply";
        }
        catch (Exception e) when (e is EntryPointNotFoundException or DllNotFoundException)
        {
            // Not glibc (for example musl): its allocator has none of these parameters.
            Description = "allocator: the C library's own (not glibc)";
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
