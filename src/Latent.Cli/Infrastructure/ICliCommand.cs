using System.CommandLine;

namespace Latent.Cli.Infrastructure;

/// <summary>A `latent` subcommand: builds its System.CommandLine command, whose action returns the exit code.</summary>
public interface ICliCommand
{
    /// <summary>Builds the command with its options and action.</summary>
    Command Build(ConsoleUi ui);
}
