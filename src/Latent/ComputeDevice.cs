using System.Globalization;

namespace Latent;

/// <summary>
/// The device a model computes on, named "cpu", "cuda" or "cuda:N" in every options record: parsed and checked here, once, for the
/// library and the command line alike. A device is a run-time choice, never part of a saved model.
/// </summary>
public static class ComputeDevice
{
    /// <summary>The device every options record defaults to.</summary>
    public const string Default = "cpu";

    /// <summary>The spellings a device name may take, for help texts and errors.</summary>
    public const string Spellings = "cpu, cuda or cuda:N (N a GPU index from 0)";

    /// <summary>True when <paramref name="name"/> is spelled "cpu", "cuda" or "cuda:N" with N a whole number ≥ 0 (whether that device exists is not checked).</summary>
    public static bool IsValid(string? name) => TryParse(name, out _, out _);

    /// <summary>Refuses a badly spelled device name in one line (the device's presence is checked by <see cref="Resolve"/>).</summary>
    public static void Validate(string? name)
    {
        if (!IsValid(name)) throw new LatentException($"device '{name}': expected {Spellings}");
    }

    /// <summary>
    /// The libtorch device <paramref name="name"/> names, after loading libtorch. A badly spelled name, CUDA when libtorch has no CUDA
    /// device (the CPU build of libtorch, or no GPU), and a GPU index past the last GPU are each a one-line <see cref="LatentException"/>.
    /// </summary>
    public static Device Resolve(string name)
    {
        if (!TryParse(name, out var type, out var index)) throw new LatentException($"device '{name}': expected {Spellings}");
        LatentRuntime.Initialize();
        if (type == DeviceType.CPU) return CPU;
        var platform = OperatingSystem.IsWindows() ? "win-x64" : "linux-x64";
        if (!cuda.is_available())
            throw new LatentException($"device '{name}': libtorch reports no CUDA device; a GPU needs the CUDA build of libtorch: reference libtorch-cuda-12.8-{platform} 2.10.0 instead of libtorch-cpu-{platform}, on a machine whose NVIDIA driver sees the GPU");
        int count = cuda.device_count();
        if (index >= count) throw new LatentException($"device '{name}': libtorch sees {count} CUDA device{(count == 1 ? "" : "s")}, numbered from 0");
        return device(type, index);
    }

    private static bool TryParse(string? name, out DeviceType type, out int index)
    {
        (type, index) = (DeviceType.CPU, -1);
        if (name == "cpu") return true;
        type = DeviceType.CUDA;
        if (name == "cuda") return true;
        return name is not null && name.StartsWith("cuda:", StringComparison.Ordinal)
            && int.TryParse(name.AsSpan(5), NumberStyles.None, CultureInfo.InvariantCulture, out index);
    }
}
