using System.Diagnostics;

namespace Latent.Bench;

/// <summary>
/// Stopwatch laps over the named sections of a repeated step (libtorch on CPU runs each op synchronously, so a lap around a
/// section measures its kernels): the mean milliseconds of each section per step and its share of the step.
/// </summary>
internal sealed class SectionClock(params string[] sections)
{
    private readonly double[] seconds = new double[sections.Length];
    private readonly Stopwatch watch = new();

    /// <summary>Steps counted since the last <see cref="Reset"/>.</summary>
    public int Steps { get; private set; }

    /// <summary>Mean seconds per step of all sections together.</summary>
    public double Total => seconds.Sum() / Steps;

    /// <summary>Mean seconds per step of section <paramref name="section"/>.</summary>
    public double this[int section] => seconds[section] / Steps;

    /// <summary>Forgets what was timed (after warm-up steps).</summary>
    public void Reset()
    {
        Array.Clear(seconds);
        Steps = 0;
    }

    /// <summary>Starts a step's first section.</summary>
    public void Start()
    {
        Steps++;
        watch.Restart();
    }

    /// <summary>Ends section <paramref name="section"/> and starts the next.</summary>
    public void Lap(int section)
    {
        seconds[section] += watch.Elapsed.TotalSeconds;
        watch.Restart();
    }

    /// <summary>Prints one line per section: mean milliseconds and share of the step.</summary>
    public void Print()
    {
        for (int i = 0; i < sections.Length; i++)
            Console.WriteLine($"  {sections[i],-44} {this[i] * 1e3,8:F2} ms  {this[i] / Total,4:P0}");
    }

    /// <summary>Seconds that <paramref name="action"/> takes once.</summary>
    public static double Seconds(Action action)
    {
        long start = Stopwatch.GetTimestamp();
        action();
        return Stopwatch.GetElapsedTime(start).TotalSeconds;
    }
}
