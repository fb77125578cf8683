using TorchSharp;
using static TorchSharp.torch;

namespace Latent.Tests.Devices;

/// <summary>Assertions that tensors and modules live on a model's device, and the devices the tests run on.</summary>
internal static class OnDevice
{
    /// <summary>"cpu", and "cuda" where libtorch sees a GPU.</summary>
    public static TheoryData<string> Names()
    {
        LatentRuntime.Initialize();
        var names = new TheoryData<string> { "cpu" };
        if (cuda.is_available()) names.Add("cuda");
        return names;
    }

    /// <summary>True when <paramref name="tensor"/> is on <paramref name="device"/>: the same type, and the same index where the device names one.</summary>
    public static bool Matches(Device device, Tensor tensor) => tensor.device_type == device.type && (device.index < 0 || tensor.device_index == device.index);

    /// <summary>Fails, naming <paramref name="what"/>, unless <paramref name="tensor"/> is on <paramref name="device"/>.</summary>
    public static void Tensor(Device device, Tensor tensor, string what) =>
        Assert.True(Matches(device, tensor), $"{what} is on {tensor.device}, the model on {device}");

    /// <summary>Fails, naming the first that is not, unless every one of <paramref name="tensors"/> is on <paramref name="device"/>.</summary>
    public static void Tensors(Device device, params (Tensor Tensor, string What)[] tensors)
    {
        foreach (var (tensor, what) in tensors) Tensor(device, tensor, what);
    }

    /// <summary>
    /// Saves through <paramref name="save"/> into <paramref name="folder"/> and checks that the saved model's own <paramref name="network"/> stayed on
    /// <paramref name="device"/> and that config.json records no device.
    /// </summary>
    public static void SavedInPlace(Device device, nn.Module network, Func<string, IReadOnlyList<string>> save, string folder)
    {
        save(folder);
        Module(device, network);
        Assert.DoesNotContain("device", File.ReadAllText(Path.Combine(folder, IO.ModelFolder.ConfigFile)), StringComparison.OrdinalIgnoreCase);
    }

    /// <summary>Checks that a reloaded model's <paramref name="network"/> and its <paramref name="reloaded"/> output are on <paramref name="device"/>, and that the output equals the saved model's <paramref name="expected"/>.</summary>
    public static void Reloaded(Device device, nn.Module network, Tensor reloaded, Tensor expected, string what)
    {
        Module(device, network);
        Tensor(device, reloaded, $"reloaded {what}");
        Assert.True(reloaded.allclose(expected), $"the reloaded model's {what} differ from the saved one's");
    }

    /// <summary>Fails unless every named parameter and buffer of <paramref name="module"/> (at least one parameter) is on <paramref name="device"/>.</summary>
    public static void Module(Device device, nn.Module module)
    {
        var parameters = module.named_parameters().ToList();
        Assert.NotEmpty(parameters);
        foreach (var (name, parameter) in parameters) Tensor(device, parameter, name);
        foreach (var (name, buffer) in module.named_buffers()) Tensor(device, buffer, name);
    }
}
