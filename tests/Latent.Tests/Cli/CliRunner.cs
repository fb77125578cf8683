using Latent.Cli;

namespace Latent.Tests.Cli;

/// <summary>Runs the `latent` command line in-process and captures its exit code and standard error.</summary>
internal static class CliRunner
{
    /// <summary>Runs <paramref name="args"/> and returns the exit code with everything written to stderr.</summary>
    public static (int Code, string Error) Run(params string[] args)
    {
        var error = new StringWriter();
        var original = Console.Error;
        Console.SetError(error);
        try
        {
            return (CliApp.Run(args), error.ToString());
        }
        finally
        {
            Console.SetError(original);
        }
    }
}
