using System.Runtime.InteropServices;

namespace Latent.Bench;

/// <summary>The resource use of this process's finished child processes (getrusage with RUSAGE_CHILDREN, Linux x86-64 layout).</summary>
internal static class ChildUsage
{
    private const int RusageChildren = -1;

    /// <summary>The largest peak resident memory of any finished child so far, in MiB, and the minor page faults of all of them together; (NaN, -1) off Linux.</summary>
    public static (double PeakMiB, long MinorFaults) Read()
    {
        if (!OperatingSystem.IsLinux()) return (double.NaN, -1);
        // struct rusage: two timevals (4 longs), then ru_maxrss (KiB), ru_ixrss, ru_idrss, ru_isrss, ru_minflt, … (14 longs).
        var fields = new long[18];
        return GetResourceUsage(RusageChildren, fields) == 0 ? (fields[4] / 1024.0, fields[8]) : (double.NaN, -1);
    }

    [DllImport("libc", EntryPoint = "getrusage")]
    private static extern int GetResourceUsage(int who, [Out] long[] usage);
}
