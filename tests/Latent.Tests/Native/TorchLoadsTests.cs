using System.Text;
using static TorchSharp.torch;

namespace Latent.Tests.Native;

public class TorchLoadsTests : TorchTest
{
    [Fact]
    public void TensorOpAndBackwardPassRun()
    {
        var x = tensor(new[] { 1.0f, -2.0f, 3.0f }, requires_grad: true);
        var y = (x * x).sum() + x.sin().sum();
        y.backward();
        var grad = x.grad!.data<float>().ToArray();
        var expected = new[] { 1.0, -2.0, 3.0 }.Select(v => 2 * v + Math.Cos(v)).ToArray();
        for (int i = 0; i < 3; i++) Assert.Equal(expected[i], grad[i], 5);
        Assert.Equal(14.0 + Math.Sin(1) + Math.Sin(-2) + Math.Sin(3), y.item<float>(), 4);
    }

    [Fact]
    public void MatmulMatchesPlainLoops()
    {
        var a = arange(6, ScalarType.Float64).reshape(2, 3);
        var b = arange(12, ScalarType.Float64).reshape(3, 4);
        var c = a.mm(b);
        for (int i = 0; i < 2; i++)
        for (int j = 0; j < 4; j++)
        {
            double sum = 0;
            for (int k = 0; k < 3; k++) sum += (i * 3 + k) * (k * 4 + j);
            Assert.Equal(sum, c[i, j].item<double>());
        }
    }

    [Fact]
    public void OutputCopyOfLibTorchSharpIsWeakenedExactlyWhenSystemLibstdcxxLacksTheVersion()
    {
        var output = Path.Combine(AppContext.BaseDirectory, "libLibTorchSharp.so");
        Assert.True(File.Exists(output), $"{output} missing from the test output");
        var systemLib = new[] { "/lib/x86_64-linux-gnu/libstdc++.so.6", "/usr/lib/x86_64-linux-gnu/libstdc++.so.6" }.FirstOrDefault(File.Exists);
        Assert.NotNull(systemLib);
        bool systemHasVersion = Contains(File.ReadAllBytes(systemLib!), Encoding.ASCII.GetBytes("GLIBCXX_3.4.32\0"));
        Assert.Equal(!systemHasVersion, ElfVersionNeeds.IsWeak(output, "GLIBCXX_3.4.32"));
    }

    [Fact]
    public void NuGetCacheCopyIsLeftAsShipped()
    {
        var home = Environment.GetEnvironmentVariable("NUGET_PACKAGES") ?? Path.Combine(Environment.GetFolderPath(Environment.SpecialFolder.UserProfile), ".nuget", "packages");
        var cached = Path.Combine(home, "torchsharp", "0.107.0", "runtimes", "linux-x64", "native", "libLibTorchSharp.so");
        Assert.True(File.Exists(cached), $"{cached} missing");
        Assert.False(ElfVersionNeeds.IsWeak(cached, "GLIBCXX_3.4.32"));
    }

    private static bool Contains(byte[] haystack, byte[] needle) =>
        haystack.AsSpan().IndexOf(needle) >= 0;
}
