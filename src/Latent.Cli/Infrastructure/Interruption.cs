using System.CommandLine.Parsing;
using Latent.Training;

namespace Latent.Cli.Infrastructure;

/// <summary>How a command reports Ctrl-C during its phases after training: what it kept, what it skipped and the command that redoes it.</summary>
public static class Interruption
{
    /// <summary>
    /// Runs <paramref name="phases"/>; when one of them is interrupted, the error names <paramref name="kept"/> (written before),
    /// <paramref name="skipped"/> (what follows the phase) and <paramref name="redo"/> (null: the same command line) for the report of
    /// <see cref="CliApp.Run"/>.
    /// </summary>
    public static void Finishing(IReadOnlyList<string> kept, string skipped, string? redo, Action phases) =>
        Finishing(kept, skipped, redo, () => { phases(); return true; });

    /// <summary>Runs <paramref name="phases"/> and returns their result; an interruption is reported as by the overload without a result.</summary>
    public static T Finishing<T>(IReadOnlyList<string> kept, string skipped, string? redo, Func<T> phases)
    {
        try
        {
            return phases();
        }
        catch (PhaseInterruptedException e)
        {
            throw e.After(kept, skipped, redo);
        }
    }

    /// <summary>
    /// The command line the user gave in <paramref name="given"/> with --resume (which skips the finished training), and --out
    /// <paramref name="outDir"/> when it named none.
    /// </summary>
    public static string Resume(ParseResult given, string outDir)
    {
        var args = given.Tokens.Select(token => token.Value).ToList();
        if (!args.Contains("--resume")) args.Add("--resume");
        if (given.CommandResult.Children.OfType<OptionResult>().All(option => option.Option.Name != "--out" || option.Implicit)) args.AddRange(["--out", outDir]);
        return RunInterruptedException.CommandLine(CliApp.Name, args);
    }

    /// <summary>
    /// The command line `latent WORDS… OPTIONS… EXTRA…`: <paramref name="words"/> name the command to run, OPTIONS are the options the user
    /// gave in <paramref name="given"/> that <paramref name="target"/> also takes (data, seed, device), <paramref name="extra"/> come last
    /// and win over a given option of the same name.
    /// </summary>
    public static string Redo(ParseResult given, Command target, IEnumerable<string> words, params string[] extra)
    {
        var args = words.ToList();
        foreach (var option in given.CommandResult.Children.OfType<OptionResult>())
        {
            if (option.Implicit || !target.Options.Any(o => o.Name == option.Option.Name) || extra.Contains(option.Option.Name)) continue;
            args.Add(option.Option.Name);
            args.AddRange(option.Tokens.Select(token => token.Value));
        }
        return RunInterruptedException.CommandLine(CliApp.Name, [.. args, .. extra]);
    }
}
