namespace Latent.Cli.Infrastructure;

/// <summary>A `latent` subcommand: builds its System.CommandLine command, whose action returns the exit code.</summary>
public interface ICliCommand
{
    /// <summary>Builds the command with its options and action.</summary>
    Command Build(ConsoleUi ui);

    /// <summary>
    /// Whether the command's long phases check <see cref="ConsoleUi.Stop"/>, so that Ctrl-C and SIGTERM stop it cleanly; otherwise
    /// they end it at once, as they end any program.
    /// </summary>
    bool HonoursStop => true;
}
