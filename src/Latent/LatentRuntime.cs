using System.Runtime.InteropServices;
using TorchSharp;

namespace Latent;

/// <summary>Process-wide start-up for TorchSharp: loads libtorch once, with a one-line error when it cannot.</summary>
public static class LatentRuntime
{
    private static readonly Lazy<string> Loaded = new(LoadNative, LazyThreadSafetyMode.ExecutionAndPublication);

    /// <summary>Loads libtorch, uses every core, and returns a one-line description of the backend.</summary>
    public static string Initialize() => Loaded.Value;

    private static string LoadNative()
    {
        ProbeNativeLibraries();
        var console = Console.Out;
        try
        {
            // TorchSharp prints a multi-page load trace to stdout when it fails; our one-line error replaces it.
            Console.SetOut(TextWriter.Null);
            torch.set_num_threads(Environment.ProcessorCount);
            using var probe = torch.ones(1);
            return $"libtorch {torch.__version__} on CPU, {torch.get_num_threads()} threads";
        }
        catch (Exception e) when (e is TypeInitializationException or DllNotFoundException or NotSupportedException or EntryPointNotFoundException)
        {
            throw new LatentException($"libtorch could not be loaded ({FirstLine(Innermost(e).Message)}) — check that the libtorch-cpu-linux-x64 package restored and the build output holds libtorch_cpu.so and libLibTorchSharp.so", e);
        }
        finally
        {
            Console.SetOut(console);
        }
    }

    /// <summary>
    /// Loads libtorch_cpu.so and libLibTorchSharp.so from the program folder (where the build puts them) so that a
    /// loader error, such as a missing GLIBCXX version, is reported as the loader states it.
    /// </summary>
    private static void ProbeNativeLibraries()
    {
        foreach (var name in new[] { "libtorch_cpu.so", "libLibTorchSharp.so" })
        {
            var path = Path.Combine(AppContext.BaseDirectory, name);
            if (!File.Exists(path)) return;
            try
            {
                NativeLibrary.Load(path);
            }
            catch (DllNotFoundException e)
            {
                var reason = e.Message.ReplaceLineEndings(" ");
                var hint = reason.Contains("GLIBCXX", StringComparison.Ordinal)
                    ? "the system libstdc++ is older than the one TorchSharp was built with; rebuild with 'dotnet build' so that Directory.Build.targets marks that requirement weak in the output copy"
                    : "check that the libtorch-cpu-linux-x64 package restored completely";
                throw new LatentException($"libtorch could not be loaded: {name}: {Tail(reason)} — {hint}", e);
            }
        }
    }

    private static string Tail(string loaderMessage)
    {
        int at = loaderMessage.LastIndexOf("version `", StringComparison.Ordinal);
        return at >= 0 ? loaderMessage[at..].Trim() : loaderMessage.Trim();
    }

    private static string FirstLine(string text) => text.Split('\n', 2)[0].Trim();

    private static Exception Innermost(Exception e)
    {
        while (e.InnerException is not null) e = e.InnerException;
        return e;
    }
}
