namespace Latent.Tests.Native;

public class ThreadCountTests
{
    private static T WithVariable<T>(string? value, Func<T> action)
    {
        var saved = Environment.GetEnvironmentVariable(LatentRuntime.ThreadsVariable);
        Environment.SetEnvironmentVariable(LatentRuntime.ThreadsVariable, value);
        try
        {
            return action();
        }
        finally
        {
            Environment.SetEnvironmentVariable(LatentRuntime.ThreadsVariable, saved);
        }
    }

    [Fact]
    public void ThreadCountDefaultsToEveryCoreAndHonoursTheOverride()
    {
        Assert.Equal(Environment.ProcessorCount, WithVariable(null, LatentRuntime.ThreadCount));
        Assert.Equal(1, WithVariable("1", LatentRuntime.ThreadCount));
        var e = Assert.Throws<LatentException>(() => WithVariable("zero", LatentRuntime.ThreadCount));
        Assert.Contains("LATENT_THREADS must be a positive integer", e.Message);
    }
}
