namespace Latent.Tests;

/// <summary>Base class for tests that use TorchSharp: loads libtorch once.</summary>
public abstract class TorchTest
{
    /// <summary>Loads libtorch (idempotent).</summary>
    protected TorchTest() => LatentRuntime.Initialize();
}
