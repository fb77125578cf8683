namespace Latent.Cli.Infrastructure;

/// <summary>The exit codes of `latent`.</summary>
public static class ExitCodes
{
    /// <summary>The command did what it was asked.</summary>
    public const int Success = 0;

    /// <summary>The command ran and failed (bad data, non-finite loss, unreadable checkpoint, ...).</summary>
    public const int Failure = 1;

    /// <summary>The command line itself was wrong (unknown option, bad option value).</summary>
    public const int BadUsage = 2;

    /// <summary>Ctrl-C or SIGTERM stopped the command (keeping its checkpoint and what was finished), as shells report a SIGINT death.</summary>
    public const int Interrupted = 130;
}
