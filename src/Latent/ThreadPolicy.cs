using System.Globalization;
using System.Runtime.InteropServices;

namespace Latent;

/// <summary>
/// How many threads libtorch uses and how its OpenMP threads wait, chosen once before libtorch starts. The count is
/// $LATENT_THREADS, else $OMP_NUM_THREADS, else the CPUs this process may run on: its affinity mask, capped by a cgroup v2
/// CPU quota (cpu.max) when one is set. libtorch's GNU OpenMP threads spin at every barrier (300,000 rounds by default)
/// waiting for their peers; on a busy machine a descheduled peer makes every barrier cost a time slice, so the spin is bounded
/// at <see cref="DefaultSpinCount"/> rounds unless the user set $OMP_WAIT_POLICY or $GOMP_SPINCOUNT.
/// </summary>
/// <param name="Threads">The thread count libtorch is given.</param>
/// <param name="ThreadsReason">Where <paramref name="Threads"/> came from, for the runtime line.</param>
/// <param name="SpinCount">The GOMP_SPINCOUNT Latent sets in the native environment, or null when it leaves waiting to the user.</param>
/// <param name="WaitReason">How OpenMP threads wait and why, for the runtime line.</param>
public sealed record ThreadPolicy(int Threads, string ThreadsReason, int? SpinCount, string WaitReason)
{
    /// <summary>Environment variable that sets libtorch's thread count; it wins over every other source.</summary>
    public const string ThreadsVariable = "LATENT_THREADS";

    /// <summary>OpenMP's thread-count variable, used when <see cref="ThreadsVariable"/> is not set.</summary>
    public const string OmpThreadsVariable = "OMP_NUM_THREADS";

    /// <summary>OpenMP's wait policy (ACTIVE or PASSIVE); when the user sets it, Latent leaves waiting alone.</summary>
    public const string WaitPolicyVariable = "OMP_WAIT_POLICY";

    /// <summary>GNU OpenMP's spin count before a waiting thread sleeps; when the user sets it, theirs is kept.</summary>
    public const string SpinCountVariable = "GOMP_SPINCOUNT";

    /// <summary>
    /// The spin bound Latent sets: long enough that back-to-back parallel regions on a quiet machine hand over without sleeping,
    /// short enough that a thread whose peer was descheduled sleeps within microseconds instead of burning its time slice.
    /// </summary>
    public const int DefaultSpinCount = 1_000;

    private static readonly Lazy<ThreadPolicy> ForThisProcess = new(() => Choose(Environment.GetEnvironmentVariable, AffinityCpus(), CgroupQuotaCpus()));

    /// <summary>The policy for this process, read once from its environment, affinity mask and cgroup.</summary>
    public static ThreadPolicy Current => ForThisProcess.Value;

    /// <summary>One line for --verbose: the thread count and the wait policy, each with its reason.</summary>
    public string Describe() => $"{Threads} libtorch thread{(Threads == 1 ? "" : "s")} ({ThreadsReason}); {WaitReason}";

    /// <summary>
    /// Chooses the policy from the environment (<paramref name="environment"/> returns a variable's value or null), the CPUs in the
    /// affinity mask (null when unknown) and the cgroup CPU quota in CPUs (null when there is none).
    /// </summary>
    public static ThreadPolicy Choose(Func<string, string?> environment, int? affinityCpus, double? quotaCpus)
    {
        var (threads, reason) = ChooseThreads(environment, affinityCpus, quotaCpus);
        var waitPolicy = environment(WaitPolicyVariable);
        var spin = environment(SpinCountVariable);
        if (!string.IsNullOrEmpty(spin) || !string.IsNullOrEmpty(waitPolicy))
        {
            var set = string.Join(", ", new[] { (WaitPolicyVariable, waitPolicy), (SpinCountVariable, spin) }
                .Where(v => !string.IsNullOrEmpty(v.Item2)).Select(v => $"{v.Item1}={v.Item2}"));
            return new ThreadPolicy(threads, reason, null, $"OpenMP waiting as the user set it ({set})");
        }
        return new ThreadPolicy(threads, reason, DefaultSpinCount,
            $"idle OpenMP threads spin {DefaultSpinCount:N0} rounds, then sleep ({SpinCountVariable}; set {WaitPolicyVariable} or {SpinCountVariable} to choose)");
    }

    private static (int Threads, string Reason) ChooseThreads(Func<string, string?> environment, int? affinityCpus, double? quotaCpus)
    {
        var latent = environment(ThreadsVariable);
        if (!string.IsNullOrEmpty(latent)) return (PositiveCount(ThreadsVariable, latent), $"{ThreadsVariable}={latent}");
        var omp = environment(OmpThreadsVariable);
        // OMP_NUM_THREADS may list one count per nesting level ("4,2"); libtorch's parallel regions are the outermost level.
        if (!string.IsNullOrEmpty(omp)) return (PositiveCount(OmpThreadsVariable, omp.Split(',')[0].Trim()), $"{OmpThreadsVariable}={omp}");
        int cpus = affinityCpus ?? Environment.ProcessorCount;
        var source = affinityCpus is null ? $"{cpus} processors" : $"affinity mask {cpus} CPU{(cpus == 1 ? "" : "s")}";
        if (quotaCpus is not double quota) return (cpus, $"{source}, no cgroup CPU quota");
        int allowed = Math.Max(1, (int)Math.Ceiling(quota - 1e-9));
        var quotaText = $"cgroup CPU quota {quota.ToString("0.##", CultureInfo.InvariantCulture)} CPUs";
        return allowed < cpus ? (allowed, $"{quotaText}, below the {source}") : (cpus, $"{source}, within the {quotaText}");
    }

    private static int PositiveCount(string variable, string text) =>
        int.TryParse(text, NumberStyles.None, CultureInfo.InvariantCulture, out var count) && count >= 1
            ? count
            : throw new LatentException($"{variable} must be a positive integer, got '{text}'");

    /// <summary>
    /// The CPU quota in a cgroup v2 cpu.max file ("QUOTA PERIOD" in microseconds, or "max PERIOD" for none), in CPUs; null when
    /// there is no quota or the text is not in that form.
    /// </summary>
    public static double? ParseCpuMax(string text)
    {
        var parts = text.Split((char[]?)null, StringSplitOptions.RemoveEmptyEntries);
        if (parts.Length is < 1 or > 2 || parts[0] == "max") return null;
        if (!long.TryParse(parts[0], NumberStyles.None, CultureInfo.InvariantCulture, out var quota) || quota <= 0) return null;
        long period = 100_000;
        if (parts.Length == 2 && (!long.TryParse(parts[1], NumberStyles.None, CultureInfo.InvariantCulture, out period) || period <= 0)) return null;
        return (double)quota / period;
    }

    /// <summary>
    /// The cgroup v2 path of this process from the text of /proc/self/cgroup (the "0::PATH" line), or null on a cgroup v1-only system.
    /// </summary>
    public static string? CgroupV2Path(string procSelfCgroup) =>
        procSelfCgroup.Split('\n').Select(l => l.Trim()).FirstOrDefault(l => l.StartsWith("0::", StringComparison.Ordinal))?[3..];

    /// <summary>
    /// The tightest CPU quota in CPUs over this process's cgroup v2 and its ancestors (each level's cpu.max caps its children), or null
    /// when none is set, the system has no cgroup v2, or /proc is not available.
    /// </summary>
    public static double? CgroupQuotaCpus(string procSelfCgroup = "/proc/self/cgroup", string mountPoint = "/sys/fs/cgroup")
    {
        try
        {
            if (!File.Exists(procSelfCgroup) || CgroupV2Path(File.ReadAllText(procSelfCgroup)) is not string path) return null;
            double? tightest = null;
            for (var directory = path.TrimEnd('/'); ; directory = directory[..directory.LastIndexOf('/')])
            {
                var file = Path.Combine(mountPoint, directory.TrimStart('/'), "cpu.max");
                if (File.Exists(file) && ParseCpuMax(File.ReadAllText(file)) is double quota) tightest = Math.Min(quota, tightest ?? quota);
                if (directory.Length == 0) return tightest;
            }
        }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException)
        {
            return null;
        }
    }

    /// <summary>The number of CPUs set in an affinity mask as sched_getaffinity fills it (bit i of byte i / 8 is CPU i).</summary>
    public static int CountCpus(ReadOnlySpan<byte> mask)
    {
        int count = 0;
        foreach (var b in mask) count += System.Numerics.BitOperations.PopCount(b);
        return count;
    }

    /// <summary>The number of CPUs in this process's affinity mask (sched_getaffinity), or null off Linux or when it cannot be read.</summary>
    public static int? AffinityCpus()
    {
        if (!OperatingSystem.IsLinux()) return null;
        var mask = new byte[1024];
        try
        {
            return GetAffinity(0, (nuint)mask.Length, mask) == 0 && CountCpus(mask) is int count and > 0 ? count : null;
        }
        catch (Exception e) when (e is EntryPointNotFoundException or DllNotFoundException)
        {
            return null;
        }
    }

    /// <summary>glibc's wrapper: fills <paramref name="mask"/> (zeroing what the kernel does not write) and returns 0, or -1 on failure.</summary>
    [DllImport("libc", EntryPoint = "sched_getaffinity")]
    private static extern int GetAffinity(int pid, nuint size, byte[] mask);
}
