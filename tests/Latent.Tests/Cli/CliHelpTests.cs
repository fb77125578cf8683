using Latent.Cli;

namespace Latent.Tests.Cli;

public class CliHelpTests
{
    private static (int Code, string Output) Help(params string[] args)
    {
        var output = new StringWriter();
        var original = Console.Out;
        Console.SetOut(output);
        try
        {
            return (CliApp.Run(args), output.ToString());
        }
        finally
        {
            Console.SetOut(original);
        }
    }

    [Fact]
    public void UsageLinesNameTheLatentCommandWhateverTheExecutableIsCalled()
    {
        var (code, output) = Help("--help");
        Assert.Equal(0, code);
        var lines = output.Split('\n').Select(l => l.Trim()).ToArray();
        Assert.Equal("latent [command] [options]", lines[Array.IndexOf(lines, "Usage:") + 1]);
        Assert.DoesNotContain("Latent.Cli", output);
        Assert.Contains(lines, l => l.StartsWith("mlp ", StringComparison.Ordinal));

        (code, output) = Help("mlp", "--help");
        Assert.Equal(0, code);
        Assert.Contains("latent mlp [options]", output);
    }
}
