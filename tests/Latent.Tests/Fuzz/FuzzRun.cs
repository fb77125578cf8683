using Xunit.Abstractions;
using static TorchSharp.torch;

namespace Latent.Tests.Fuzz;

/// <summary>
/// Feeds malformed inputs to one reader and classifies each outcome: loaded, a clean error (a <see cref="LatentException"/> whose
/// message is one line), or a failure (any other exception type, a multi-line message such as a native trace, or more managed
/// memory allocated than the tiny inputs can justify, i.e. an allocation sized from an unchecked header field).
/// </summary>
public sealed class FuzzRun
{
    /// <summary>Managed bytes one case may allocate; the seeds are a few kilobytes, so more means a size was taken from a header.</summary>
    private const long AllocationLimit = 64L << 20;

    private readonly string reader;
    private readonly ITestOutputHelper output;
    private readonly List<string> failures = new();
    private readonly List<string> messages = new();

    /// <summary>Starts the tally for <paramref name="reader"/>; <paramref name="output"/> receives its summary row.</summary>
    public FuzzRun(string reader, ITestOutputHelper output)
    {
        this.reader = reader;
        this.output = output;
    }

    /// <summary>Cases run.</summary>
    public int Cases { get; private set; }

    /// <summary>Cases that loaded.</summary>
    public int Loaded { get; private set; }

    /// <summary>Cases refused with a one-line <see cref="LatentException"/>.</summary>
    public int CleanErrors { get; private set; }

    /// <summary>Cases that failed (another exception type, a multi-line or unnamed message, or a large allocation).</summary>
    public int Failures => failures.Count;

    /// <summary>
    /// Runs one case: <paramref name="load"/> reads the malformed input (and disposes what it loaded); a refusal must name
    /// <paramref name="source"/> (the file or folder read) when one is given.
    /// </summary>
    public void Case(string name, Action load, string? source = null)
    {
        Cases++;
        long before = GC.GetAllocatedBytesForCurrentThread();
        bool loaded;
        try
        {
            using var scope = NewDisposeScope();
            load();
            loaded = true;
        }
        catch (LatentException e) when (!e.Message.Contains('\n') && !e.Message.Contains('\r') && e.Message.Length > 0)
        {
            if (source is not null && !e.Message.Contains(source, StringComparison.Ordinal))
            {
                failures.Add($"{name}: the message does not name {source}: {e.Message}");
                return;
            }
            loaded = false;
            messages.Add($"{name} → {e.Message}");
        }
        catch (Exception e)
        {
            failures.Add($"{name}: {e.GetType().Name}: {e.Message.ReplaceLineEndings(" ⏎ ")}");
            return;
        }
        long allocated = GC.GetAllocatedBytesForCurrentThread() - before;
        if (allocated > AllocationLimit) failures.Add($"{name}: allocated {allocated >> 20} MB of managed memory");
        else if (loaded) Loaded++;
        else CleanErrors++;
    }

    /// <summary>Writes the summary row and fails the test when any case failed or fewer than <paramref name="minimumCases"/> ran.</summary>
    public void Finish(int minimumCases = 50)
    {
        output.WriteLine($"| {reader} | {Cases} | {Loaded} | {CleanErrors} | {failures.Count} |");
        foreach (var failure in failures.Take(20)) output.WriteLine(failure);
        foreach (var message in messages.Where((_, i) => i % Math.Max(1, messages.Count / 4) == 0).Take(4)) output.WriteLine($"  e.g. {message}");
        Assert.True(failures.Count == 0, $"{reader}: {failures.Count} of {Cases} cases failed:\n{string.Join("\n", failures.Take(20))}");
        Assert.True(Cases >= minimumCases, $"{reader}: only {Cases} cases");
    }
}
