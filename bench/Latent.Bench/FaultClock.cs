using System.Diagnostics;

namespace Latent.Bench;

/// <summary>
/// Wall time and the minor page faults taken over the same spans (first touches of fresh memory, which cost time on some
/// virtual machines), started and stopped like a stopwatch; printed beside benchmark times with the process's peak RSS, so that
/// an allocation regression shows up as faults per step.
/// </summary>
internal sealed class FaultClock
{
    private readonly Stopwatch watch = new();
    private long faultsAtStart, faults;

    /// <summary>Seconds counted so far.</summary>
    public double Seconds => watch.Elapsed.TotalSeconds;

    /// <summary>Minor page faults counted so far (over the spans between <see cref="Start"/> and <see cref="Stop"/>).</summary>
    public long Faults => faults + (watch.IsRunning ? NativeHeap.MinorPageFaults() - faultsAtStart : 0);

    /// <summary>A clock already running.</summary>
    public static FaultClock StartNew()
    {
        var clock = new FaultClock();
        clock.Start();
        return clock;
    }

    /// <summary>Starts (or resumes) counting time and faults.</summary>
    public void Start()
    {
        if (watch.IsRunning) return;
        faultsAtStart = NativeHeap.MinorPageFaults();
        watch.Start();
    }

    /// <summary>Stops counting; a later <see cref="Start"/> resumes.</summary>
    public void Stop()
    {
        if (!watch.IsRunning) return;
        watch.Stop();
        faults += NativeHeap.MinorPageFaults() - faultsAtStart;
    }

    /// <summary>"N page faults/step" over <paramref name="steps"/> steps, with the process's peak RSS so far.</summary>
    public string PerStep(long steps) => $"{Faults / (double)steps:N0} page faults/step, peak RSS {NativeHeap.PeakResidentMiB():N0} MiB";
}
