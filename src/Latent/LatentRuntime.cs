using System.Runtime.InteropServices;

namespace Latent;

/// <summary>Process-wide start-up for TorchSharp: loads libtorch once, with a one-line error when it cannot.</summary>
public static class LatentRuntime
{
    private static readonly Lazy<string> Loaded = new(LoadNative, LazyThreadSafetyMode.ExecutionAndPublication);

    /// <summary>
    /// oneDNN's instruction-set cap. libtorch 2.10's float32 LSTM computes wrong outputs with oneDNN's AVX-512 RNN kernel when the
    /// hidden size is not a multiple of 32 (seen on some AVX-512 CPUs); capping oneDNN at AVX2 before libtorch starts avoids that
    /// kernel, and the language model's LSTM runs through oneDNN. A value the user set already is kept (set it to ALL to lift the cap,
    /// at the price of that kernel).
    /// </summary>
    public const string OneDnnIsaVariable = "ONEDNN_MAX_CPU_ISA";

    /// <summary>The cap applied when the user has not set <see cref="OneDnnIsaVariable"/>.</summary>
    public const string OneDnnIsaCap = "AVX2";

    /// <summary>
    /// Loads libtorch with the start-up policies applied first (oneDNN's instruction-set cap, <see cref="ThreadPolicy"/>'s thread count
    /// and OpenMP wait, <see cref="NativeHeap"/>'s memory reuse), and returns a one-line description of the backend.
    /// </summary>
    public static string Initialize() => Loaded.Value;

    /// <summary>One line saying what the start-up policies chose and why (threads, OpenMP waiting, allocator); loads libtorch first.</summary>
    public static string Describe()
    {
        Initialize();
        return $"runtime: {ThreadPolicy.Current.Describe()}; {NativeHeap.Description}";
    }

    private static string LoadNative()
    {
        var policy = ThreadPolicy.Current;
        CapOneDnnIsa();
        // Native environment only: child processes (another latent started from this one) choose their own policy.
        if (policy.SpinCount is int spin && !OperatingSystem.IsWindows())
            SetNativeEnvironment(ThreadPolicy.SpinCountVariable, spin.ToString(System.Globalization.CultureInfo.InvariantCulture), overwrite: 0);
        NativeHeap.SetReusePolicy();
        ProbeNativeLibraries();
        var console = Console.Out;
        try
        {
            // TorchSharp prints a multi-page load trace to stdout when it fails; our one-line error replaces it.
            Console.SetOut(TextWriter.Null);
            torch.set_num_threads(policy.Threads);
            using var probe = torch.ones(1);
            int running = torch.get_num_threads();
            return $"libtorch {torch.__version__}, {running} CPU thread{(running == 1 ? "" : "s")}";
        }
        catch (Exception e) when (e is TypeInitializationException or DllNotFoundException or NotSupportedException or EntryPointNotFoundException)
        {
            throw new LatentException($"libtorch could not be loaded ({FirstLine(Innermost(e).Message)}) — the application must reference a libtorch backend package (for the CPU: dotnet add package libtorch-cpu-linux-x64 --version 2.10.0), and its build output must hold libtorch_cpu.so and libLibTorchSharp.so", e);
        }
        finally
        {
            Console.SetOut(console);
        }
    }

    /// <summary>Sets <see cref="OneDnnIsaVariable"/> in the native environment (oneDNN reads it with getenv) unless it is set already.</summary>
    private static void CapOneDnnIsa()
    {
        if (!string.IsNullOrEmpty(Environment.GetEnvironmentVariable(OneDnnIsaVariable))) return;
        Environment.SetEnvironmentVariable(OneDnnIsaVariable, OneDnnIsaCap);
        if (!OperatingSystem.IsWindows()) SetNativeEnvironment(OneDnnIsaVariable, OneDnnIsaCap, overwrite: 0);
    }

    /// <summary>The value of <paramref name="name"/> in the native (C library) environment, which .NET's own copy does not update on Unix.</summary>
    public static string? NativeEnvironmentVariable(string name) =>
        OperatingSystem.IsWindows() ? Environment.GetEnvironmentVariable(name) : Marshal.PtrToStringUTF8(GetNativeEnvironment(name));

    [DllImport("libc", EntryPoint = "setenv")]
    private static extern int SetNativeEnvironment([MarshalAs(UnmanagedType.LPUTF8Str)] string name, [MarshalAs(UnmanagedType.LPUTF8Str)] string value, int overwrite);

    [DllImport("libc", EntryPoint = "getenv")]
    private static extern IntPtr GetNativeEnvironment([MarshalAs(UnmanagedType.LPUTF8Str)] string name);

    /// <summary>
    /// Loads libtorch_cpu.so and libLibTorchSharp.so from the program folder, or from its runtimes/linux-x64/native folder
    /// where a build without a runtime identifier puts them, so that a loader error, such as a missing GLIBCXX version, is
    /// reported as the loader states it.
    /// </summary>
    private static void ProbeNativeLibraries()
    {
        var folder = new[] { AppContext.BaseDirectory, Path.Combine(AppContext.BaseDirectory, "runtimes", "linux-x64", "native") }
            .FirstOrDefault(f => File.Exists(Path.Combine(f, "libLibTorchSharp.so")));
        if (folder is null) return;
        foreach (var name in new[] { "libtorch_cpu.so", "libLibTorchSharp.so" })
        {
            var path = Path.Combine(folder, name);
            if (!File.Exists(path)) return;
            try
            {
                NativeLibrary.Load(path);
            }
            catch (DllNotFoundException e)
            {
                var reason = e.Message.ReplaceLineEndings(" ");
                var hint = reason.Contains("GLIBCXX", StringComparison.Ordinal)
                    ? "the system libstdc++ is older than the one TorchSharp was built with; reference the Latent package and build or publish with 'dotnet build'/'dotnet publish', so that its build targets (buildTransitive/Latent.targets; in a source checkout src/Latent/build/Latent.targets) mark that requirement weak in the output copy"
                    : "check that the application's libtorch backend package (such as libtorch-cpu-linux-x64) restored completely";
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
