using System.Diagnostics;

namespace Latent.Tests;

/// <summary>Runs the repository's Python cross-checks: finds an interpreter that imports a module, runs a script, and locates python/.</summary>
public static class PythonRunner
{
    /// <summary>"python3" or "/usr/bin/python3", whichever first imports <paramref name="module"/>; null when neither does.</summary>
    public static string? FindWith(string module)
    {
        foreach (var candidate in new[] { "python3", "/usr/bin/python3" })
        {
            try
            {
                if (Run(candidate, ["-c", $"import {module}"]).Code == 0) return candidate;
            }
            catch (System.ComponentModel.Win32Exception)
            {
                // Not installed under this name; try the next.
            }
        }
        return null;
    }

    /// <summary>Runs <paramref name="program"/> with <paramref name="arguments"/>, failing the test if it runs over <paramref name="timeoutSeconds"/>.</summary>
    public static (int Code, string Stdout, string Stderr) Run(string program, string[] arguments, int timeoutSeconds = 120)
    {
        var start = new ProcessStartInfo(program) { RedirectStandardOutput = true, RedirectStandardError = true, UseShellExecute = false };
        foreach (var argument in arguments) start.ArgumentList.Add(argument);
        start.Environment["PYTHONDONTWRITEBYTECODE"] = "1";
        using var process = Process.Start(start)!;
        var stderr = process.StandardError.ReadToEndAsync();
        var stdout = process.StandardOutput.ReadToEnd();
        if (!process.WaitForExit(timeoutSeconds * 1000))
        {
            process.Kill();
            throw new Xunit.Sdk.XunitException($"{program} {string.Join(' ', arguments)} ran over {timeoutSeconds} s");
        }
        return (process.ExitCode, stdout, stderr.Result);
    }

    /// <summary>The repository root: the first folder above the test binaries holding python/<paramref name="script"/>.</summary>
    public static string RepositoryRoot(string script = "latent_check.py")
    {
        for (var dir = new DirectoryInfo(AppContext.BaseDirectory); dir is not null; dir = dir.Parent)
            if (File.Exists(Path.Combine(dir.FullName, "python", script))) return dir.FullName;
        throw new Xunit.Sdk.XunitException($"python/{script} not found above {AppContext.BaseDirectory}");
    }
}
