using static TorchSharp.torch;

namespace Latent.Tests.Native;

public class NativeHeapTests : TorchTest
{
    [Fact]
    public void ThresholdIsPinnedOnLinuxUnlessTheUserSetIt()
    {
        bool userSet = !string.IsNullOrEmpty(Environment.GetEnvironmentVariable(NativeHeap.MmapThresholdVariable));
        Assert.Equal(OperatingSystem.IsLinux() && !userSet, NativeHeap.ThresholdPinned);
        if (OperatingSystem.IsLinux()) Assert.InRange(NativeHeap.ResidentMiB(), 1, NativeHeap.PeakResidentMiB());
    }

    [Fact]
    public void FreedLargeTensorBuffersGoBackToTheSystem()
    {
        if (!NativeHeap.ThresholdPinned) return;
        const double sizeMiB = 24;
        double live = 0, freed = 0;
        // The first rounds would raise glibc's dynamic threshold to 24 MiB; the last must still hand its buffer back.
        for (int round = 0; round < 3; round++)
        {
            var buffer = ones((long)(sizeMiB * 1024 * 1024 / sizeof(float)));
            live = NativeHeap.ResidentMiB();
            buffer.Dispose();
            freed = NativeHeap.ResidentMiB();
        }
        Assert.True(live - freed > 0.8 * sizeMiB, $"resident memory fell by only {live - freed:F1} MiB when a {sizeMiB} MiB tensor was freed");
    }
}
