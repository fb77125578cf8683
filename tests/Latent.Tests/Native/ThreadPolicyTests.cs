namespace Latent.Tests.Native;

public class ThreadPolicyTests
{
    private static Func<string, string?> Environment(params (string Name, string Value)[] variables) =>
        name => variables.Where(v => v.Name == name).Select(v => v.Value).FirstOrDefault();

    [Fact]
    public void ThreadCountComesFromLatentThreadsThenOmpNumThreadsThenTheCpusThisProcessMayUse()
    {
        Assert.Equal(3, ThreadPolicy.Choose(Environment(("LATENT_THREADS", "3"), ("OMP_NUM_THREADS", "5")), 8, 1.5).Threads);
        Assert.Equal(5, ThreadPolicy.Choose(Environment(("OMP_NUM_THREADS", "5")), 8, 1.5).Threads);
        Assert.Equal(4, ThreadPolicy.Choose(Environment(("OMP_NUM_THREADS", "4,2")), 8, null).Threads);
        var free = ThreadPolicy.Choose(Environment(), 8, null);
        Assert.Equal(8, free.Threads);
        Assert.Contains("affinity mask 8 CPUs, no cgroup CPU quota", free.ThreadsReason);
        // A quota of 1.5 CPUs lets two threads run part of the time: rounded up, as the runtime does.
        var capped = ThreadPolicy.Choose(Environment(), 8, 1.5);
        Assert.Equal(2, capped.Threads);
        Assert.Contains("cgroup CPU quota 1.5 CPUs, below the affinity mask 8 CPUs", capped.ThreadsReason);
        Assert.Equal(4, ThreadPolicy.Choose(Environment(), 4, 16).Threads);
        Assert.Equal(1, ThreadPolicy.Choose(Environment(), 4, 0.2).Threads);
        Assert.Equal(System.Environment.ProcessorCount, ThreadPolicy.Choose(Environment(), null, null).Threads);
    }

    [Theory]
    [InlineData("LATENT_THREADS", "zero")]
    [InlineData("LATENT_THREADS", "0")]
    [InlineData("OMP_NUM_THREADS", "-2")]
    public void ABadThreadCountIsAOneLineErrorNamingTheVariable(string variable, string value)
    {
        var e = Assert.Throws<LatentException>(() => ThreadPolicy.Choose(Environment((variable, value)), 2, null));
        Assert.Equal($"{variable} must be a positive integer, got '{value}'", e.Message);
    }

    [Fact]
    public void TheSpinIsBoundedUnlessTheUserChoseHowOpenMpWaits()
    {
        var chosen = ThreadPolicy.Choose(Environment(), 2, null);
        Assert.Equal(ThreadPolicy.DefaultSpinCount, chosen.SpinCount);
        Assert.Contains("GOMP_SPINCOUNT", chosen.WaitReason);
        var passive = ThreadPolicy.Choose(Environment(("OMP_WAIT_POLICY", "PASSIVE")), 2, null);
        Assert.Null(passive.SpinCount);
        Assert.Contains("as the user set it (OMP_WAIT_POLICY=PASSIVE)", passive.WaitReason);
        var spin = ThreadPolicy.Choose(Environment(("GOMP_SPINCOUNT", "0"), ("LATENT_THREADS", "1")), 2, null);
        Assert.Null(spin.SpinCount);
        Assert.Equal("1 libtorch thread (LATENT_THREADS=1); OpenMP waiting as the user set it (GOMP_SPINCOUNT=0)", spin.Describe());
    }

    [Theory]
    [InlineData("max 100000", null)]
    [InlineData("150000 100000\n", 1.5)]
    [InlineData("50000 200000", 0.25)]
    [InlineData("200000", 2.0)]
    [InlineData("", null)]
    [InlineData("garbage 100000", null)]
    [InlineData("100000 0", null)]
    public void CpuMaxIsReadAsQuotaOverPeriod(string text, double? cpus) => Assert.Equal(cpus, ThreadPolicy.ParseCpuMax(text));

    [Fact]
    public void TheCgroupV2PathIsTheZeroHierarchyLine()
    {
        Assert.Equal("/user.slice/job", ThreadPolicy.CgroupV2Path("0::/user.slice/job\n"));
        Assert.Equal("/", ThreadPolicy.CgroupV2Path("4:memory:/x\n1:cpu:/\n0::/\n"));
        Assert.Null(ThreadPolicy.CgroupV2Path("4:memory:/x\n1:cpu,cpuacct:/\n"));
    }

    [Fact]
    public void TheTightestQuotaOnTheCgroupPathApplies()
    {
        var root = Directory.CreateTempSubdirectory("latent-cgroup-");
        try
        {
            var job = Directory.CreateDirectory(Path.Combine(root.FullName, "slice", "job"));
            File.WriteAllText(Path.Combine(root.FullName, "slice", "cpu.max"), "300000 100000\n");
            File.WriteAllText(Path.Combine(job.FullName, "cpu.max"), "max 100000\n");
            var self = Path.Combine(root.FullName, "cgroup");
            File.WriteAllText(self, "0::/slice/job\n");
            Assert.Equal(3.0, ThreadPolicy.CgroupQuotaCpus(self, root.FullName));
            File.WriteAllText(Path.Combine(job.FullName, "cpu.max"), "150000 100000\n");
            Assert.Equal(1.5, ThreadPolicy.CgroupQuotaCpus(self, root.FullName));
            File.WriteAllText(self, "1:cpu:/slice/job\n");
            Assert.Null(ThreadPolicy.CgroupQuotaCpus(self, root.FullName));
        }
        finally
        {
            root.Delete(recursive: true);
        }
    }

    [Fact]
    public void AffinityMasksCountTheirSetBits()
    {
        Assert.Equal(0, ThreadPolicy.CountCpus(new byte[128]));
        Assert.Equal(2, ThreadPolicy.CountCpus(new byte[] { 0b11, 0, 0 }));
        Assert.Equal(11, ThreadPolicy.CountCpus(new byte[] { 0xFF, 0b1000_0001, 0, 0b1 }));
        if (OperatingSystem.IsLinux())
        {
            int allowed = File.ReadLines("/proc/self/status").First(l => l.StartsWith("Cpus_allowed_list:")).Split(':')[1].Trim().Split(',')
                .Sum(range => range.Split('-') is [var a, var b] ? int.Parse(b) - int.Parse(a) + 1 : 1);
            Assert.Equal(allowed, ThreadPolicy.AffinityCpus());
        }
    }

    [Fact]
    public void TheSpinBoundReachesTheNativeEnvironmentBeforeLibtorchLoads()
    {
        LatentRuntime.Initialize();
        var expected = ThreadPolicy.Current.SpinCount?.ToString() ?? System.Environment.GetEnvironmentVariable("GOMP_SPINCOUNT");
        Assert.Equal(expected, LatentRuntime.NativeEnvironmentVariable("GOMP_SPINCOUNT"));
    }
}
