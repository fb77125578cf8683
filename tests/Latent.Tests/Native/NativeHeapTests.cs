using System.Collections;
using System.Runtime.InteropServices;
using static TorchSharp.torch;

namespace Latent.Tests.Native;

public class NativeHeapTests : TorchTest
{
    [Fact]
    public void TheReusePolicyAppliesOnLinuxUnlessTheUserSetMallocParameters()
    {
        bool userSet = NativeHeap.UserAllocatorVariables(Environment.GetEnvironmentVariables()).Count > 0;
        Assert.Equal(OperatingSystem.IsLinux() && !userSet, NativeHeap.ReusePolicyApplied);
        Assert.Contains(userSet ? "as the user set it" : "keeps freed blocks under 32 MiB", NativeHeap.Description);
        if (OperatingSystem.IsLinux()) Assert.InRange(NativeHeap.ResidentMiB(), 1, NativeHeap.PeakResidentMiB());
    }

    [Fact]
    public void AnyMallocVariableOrGlibcTunablesCountsAsTheUsersChoice()
    {
        var environment = new Hashtable { ["PATH"] = "/bin", ["MALLOC_ARENA_MAX"] = "2", ["GLIBC_TUNABLES"] = "glibc.malloc.tcache_count=0", ["MALLOC_TOP_PAD_"] = "", ["XMALLOC_X"] = "1" };
        Assert.Equal(["GLIBC_TUNABLES", "MALLOC_ARENA_MAX"], NativeHeap.UserAllocatorVariables(environment));
        Assert.Empty(NativeHeap.UserAllocatorVariables(new Hashtable { ["HOME"] = "/root" }));
    }

    [Fact]
    public void AFreedBlockUnderTheThresholdIsReusedWithoutNewPageFaults()
    {
        if (!NativeHeap.ReusePolicyApplied) return;
        const int size = 24 << 20, pages = size / 4096;
        var ones = Enumerable.Repeat((byte)1, size).ToArray();
        long Touch()
        {
            long before = NativeHeap.MinorPageFaults();
            var block = Marshal.AllocHGlobal(size); // malloc
            Marshal.Copy(ones, 0, block, size);
            Marshal.FreeHGlobal(block);
            return NativeHeap.MinorPageFaults() - before;
        }
        Touch();
        // glibc's defaults would have mmapped the first block and taken the second from fresh heap; under the 32 MiB threshold
        // with no trimming the second reuses the first's pages.
        long again = Touch();
        Assert.True(again < pages / 10, $"reallocating a freed 24 MiB block faulted {again} of its {pages} pages again");
    }

    [Fact]
    public void PageFaultsCountFirstTouches()
    {
        if (!OperatingSystem.IsLinux()) return;
        // An anonymous mapping of its own, so that whatever malloc keeps for reuse in this test process cannot serve it:
        // each of its 12,288 pages faults once when first written.
        const long size = 48L * 1024 * 1024, page = 4096;
        using var mapping = System.IO.MemoryMappedFiles.MemoryMappedFile.CreateNew(null, size);
        using var view = mapping.CreateViewAccessor(0, size);
        long before = NativeHeap.MinorPageFaults();
        for (long offset = 0; offset < size; offset += page) view.Write(offset, (byte)1);
        Assert.InRange(NativeHeap.MinorPageFaults() - before, size / page * 9 / 10, size / page * 3);
    }
}
