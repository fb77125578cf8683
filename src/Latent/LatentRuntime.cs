using TorchSharp;

namespace Latent;

/// <summary>Process-wide start-up for TorchSharp: loads libtorch once, with a clear error when it cannot.</summary>
public static class LatentRuntime
{
    private static readonly Lazy<string> Loaded = new(LoadNative, LazyThreadSafetyMode.ExecutionAndPublication);

    /// <summary>Loads libtorch, uses every core, and returns a one-line description of the backend.</summary>
    public static string Initialize() => Loaded.Value;

    private static string LoadNative()
    {
        try
        {
            torch.set_num_threads(Environment.ProcessorCount);
            using var probe = torch.ones(1);
            return $"libtorch {torch.__version__} on CPU, {torch.get_num_threads()} threads";
        }
        catch (Exception e) when (e is TypeInitializationException or DllNotFoundException or NotSupportedException or EntryPointNotFoundException)
        {
            var cause = Innermost(e).Message.ReplaceLineEndings(" ");
            var hint = cause.Contains("GLIBCXX", StringComparison.Ordinal)
                ? "the system libstdc++ is older than the one TorchSharp was built against; rebuild with 'dotnet build' so the build marks that requirement weak in the output copy (Directory.Build.targets)"
                : "check that the libtorch-cpu-linux-x64 package restored and the build output holds libtorch_cpu.so and libLibTorchSharp.so";
            throw new LatentException($"libtorch could not be loaded: {cause} — {hint}", e);
        }
    }

    private static Exception Innermost(Exception e)
    {
        while (e.InnerException is not null) e = e.InnerException;
        return e;
    }
}
