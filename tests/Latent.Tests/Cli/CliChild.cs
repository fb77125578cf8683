using System.Collections.Concurrent;
using System.Diagnostics;
using System.Globalization;
using System.Runtime.InteropServices;

namespace Latent.Tests.Cli;

/// <summary>
/// The built `latent ARGS` as a child process (one libtorch thread), its standard output read line by line as it comes and its
/// standard error collected. It starts through `env --default-signal=INT,TERM`: a test host started in the background by a
/// non-interactive shell (`dotnet test … &amp;`) ignores SIGINT, children inherit that, and .NET keeps an inherited ignore, so
/// without the reset such a child would never see Ctrl-C.
/// </summary>
internal sealed class CliChild : IDisposable
{
    private readonly Process process;
    private readonly BlockingCollection<string> lines = [];
    private readonly List<string> output = [];
    private readonly Task<string> stderr;

    /// <summary>Starts `latent <paramref name="args"/>`.</summary>
    public CliChild(IEnumerable<string> args)
    {
        var start = new ProcessStartInfo("env", ["--default-signal=INT,TERM", "dotnet", Path.Combine(AppContext.BaseDirectory, "Latent.Cli.dll"), .. args])
        {
            RedirectStandardOutput = true,
            RedirectStandardError = true,
            Environment = { ["LATENT_THREADS"] = "1", ["OMP_WAIT_POLICY"] = "PASSIVE" },
        };
        process = Process.Start(start)!;
        process.OutputDataReceived += (_, line) =>
        {
            if (line.Data is null) lines.CompleteAdding();
            else lines.Add(line.Data);
        };
        process.BeginOutputReadLine();
        stderr = process.StandardError.ReadToEndAsync();
    }

    /// <summary>
    /// Waits until the child prints a line that starts with <paramref name="prefix"/> (the readiness marker of a phase) and returns it;
    /// fails when the child ends first or prints none within <paramref name="seconds"/>.
    /// </summary>
    public string WaitForLine(string prefix, int seconds = 120)
    {
        var clock = Stopwatch.StartNew();
        while (true)
        {
            var left = TimeSpan.FromSeconds(seconds) - clock.Elapsed;
            Assert.True(left > TimeSpan.Zero, $"no line starting with '{prefix}' within {seconds} s; printed:\n{string.Join('\n', output)}");
            if (!lines.TryTake(out var line, left))
            {
                Assert.False(lines.IsAddingCompleted && process.WaitForExit(10_000), $"latent ended (exit {(process.HasExited ? process.ExitCode : -1)}) before printing a line starting with '{prefix}':\n{string.Join('\n', output)}\n{stderr.Result}");
                continue;
            }
            output.Add(line);
            if (line.StartsWith(prefix, StringComparison.Ordinal)) return line;
        }
    }

    /// <summary>Sends <paramref name="signal"/> (SIGINT 2, SIGTERM 15, SIGKILL 9) at once with kill(2), after checking that the child does not ignore it.</summary>
    public void Signal(int signal)
    {
        var ignored = File.ReadLines($"/proc/{process.Id}/status").Single(line => line.StartsWith("SigIgn:", StringComparison.Ordinal));
        Assert.True((ulong.Parse(ignored[7..].Trim(), NumberStyles.HexNumber, CultureInfo.InvariantCulture) & (1UL << (signal - 1))) == 0, $"latent ignores signal {signal} ({ignored})");
        Assert.Equal(0, Kill(process.Id, signal));
    }

    /// <summary>Waits for the end and returns the exit code with everything printed on standard output and standard error.</summary>
    public (int Code, string Output, string Error) Finish(int seconds = 300)
    {
        Assert.True(process.WaitForExit(TimeSpan.FromSeconds(seconds)), $"latent did not finish within {seconds} s");
        process.WaitForExit();
        output.AddRange(lines.GetConsumingEnumerable());
        return (process.ExitCode, string.Join('\n', output), stderr.Result);
    }

    /// <summary>Runs `latent <paramref name="args"/>` to its end.</summary>
    public static (int Code, string Output, string Error) Run(IEnumerable<string> args)
    {
        using var child = new CliChild(args);
        return child.Finish();
    }

    /// <summary>Kills the child if it still runs.</summary>
    public void Dispose()
    {
        if (!process.HasExited) process.Kill();
        process.Dispose();
        lines.Dispose();
    }

    [DllImport("libc", EntryPoint = "kill")]
    private static extern int Kill(int pid, int signal);
}
