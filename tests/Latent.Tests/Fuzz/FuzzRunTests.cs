using Xunit.Abstractions;

namespace Latent.Tests.Fuzz;

/// <summary>Checks that the fuzz harness tells clean refusals from failures, and that the mutator is deterministic per seed.</summary>
public sealed class FuzzRunTests
{
    private readonly ITestOutputHelper output;

    public FuzzRunTests(ITestOutputHelper output) => this.output = output;

    [Fact]
    public void OnlyOneLineLatentErrorsThatNameTheSourceCountAsClean()
    {
        var run = new FuzzRun("harness self-check", output);
        run.Case("loads", () => { });
        run.Case("clean", () => throw new LatentException("data.csv: row 3 is short"), "data.csv");
        run.Case("other type", () => throw new InvalidOperationException("boom"));
        run.Case("out of memory", () => throw new OutOfMemoryException());
        run.Case("native trace", () => throw new LatentException("bad\nframe #0: c10::Error"));
        run.Case("unnamed", () => throw new LatentException("row 3 is short"), "data.csv");
        run.Case("huge allocation", () => GC.KeepAlive(new byte[100 << 20]));
        Assert.Equal((7, 1, 1, 5), (run.Cases, run.Loaded, run.CleanErrors, run.Failures));
    }

    [Fact]
    public void TheSameSeedGivesTheSameMutations()
    {
        var valid = Enumerable.Range(0, 200).Select(i => (byte)i).ToArray();
        var a = new Mutator(7).Mutate(valid, 30).ToList();
        var b = new Mutator(7).Mutate(valid, 30).ToList();
        Assert.Equal(a.Select(c => c.Name), b.Select(c => c.Name));
        Assert.Equal(a.Select(c => Convert.ToHexString(c.Bytes)), b.Select(c => Convert.ToHexString(c.Bytes)));
        Assert.All(a, c => Assert.NotEqual(Convert.ToHexString(valid), Convert.ToHexString(c.Bytes)));
    }
}
