using System.CommandLine.Help;
using System.CommandLine.Parsing;
using System.Runtime.InteropServices;
using Latent.Cli.Commands;
using Latent.Training;

namespace Latent.Cli;

/// <summary>The `latent` command line: parses, runs the chosen command, and turns errors into one line and an exit code.</summary>
public static class CliApp
{
    /// <summary>Every subcommand, in help order.</summary>
    public static IReadOnlyList<ICliCommand> Commands { get; } = new ICliCommand[]
    {
        new TourCommand(),
        new CurvesCommand(),
        new MlpCommand(),
        new VaeCommand(),
        new SvgpCommand(),
        new GpCommand(),
        new NoisyCommand(),
        new Word2VecCommand(),
        new LmCommand(),
    };

    /// <summary>The command's name in help and usage lines, however the program was launched (tool shim, apphost or dotnet Latent.Cli.dll).</summary>
    public const string Name = "latent";

    /// <summary>Builds the root command (a plain command named <see cref="Name"/>: a RootCommand takes the executable's file name).</summary>
    public static Command BuildRoot(ConsoleUi ui)
    {
        var root = new Command(Name, "Latent: probabilistic deep learning on .NET (VAEs, sparse variational GPs, GP regression, noisy labels, training dynamics, word2vec and language models).")
        {
            new HelpOption(),
            new VersionOption(),
        };
        root.Options.Add(CommonOptions.Verbose);
        foreach (var command in Commands) root.Subcommands.Add(command.Build(ui));
        return root;
    }

    /// <summary>The subcommand of <paramref name="root"/> that <paramref name="parsed"/> runs or runs a subcommand of, or null for the root itself.</summary>
    private static ICliCommand? TopLevel(Command root, ParseResult parsed)
    {
        var result = parsed.CommandResult;
        while (result.Parent is CommandResult { Parent: CommandResult } parent) result = parent;
        int index = root.Subcommands.IndexOf(result.Command);
        return index < 0 ? null : Commands[index];
    }

    /// <summary>Runs the command line and returns the process exit code (0 success, 1 failure, 2 bad usage).</summary>
    public static int Run(string[] args)
    {
        using var stop = new CancellationTokenSource();
        var ui = new ConsoleUi { Stop = stop.Token };
        var root = BuildRoot(ui);
        var parsed = root.Parse(args);
        if (parsed.Errors.Count > 0)
        {
            Console.Error.WriteLine($"error: {parsed.Errors[0].Message}");
            if (parsed.Errors.Count > 1) Console.Error.WriteLine($"({parsed.Errors.Count - 1} more; see --help)");
            return ExitCodes.BadUsage;
        }
        bool verbose = parsed.GetValue(CommonOptions.Verbose), honoursStop = TopLevel(root, parsed)?.HonoursStop == true;
        Action<PosixSignalContext> request = context => { context.Cancel = !stop.IsCancellationRequested; stop.Cancel(); }; // a second signal kills at once
        using var interrupt = honoursStop ? PosixSignalRegistration.Create(PosixSignal.SIGINT, request) : null;
        using var terminate = honoursStop ? PosixSignalRegistration.Create(PosixSignal.SIGTERM, request) : null;
        try
        {
            if (verbose) Console.Error.WriteLine(LatentRuntime.Describe());
            return parsed.Invoke(new InvocationConfiguration { EnableDefaultExceptionHandler = false, ProcessTerminationTimeout = null });
        }
        catch (RunInterruptedException e)
        {
            Console.Error.WriteLine(e.Message);
            if (e.NextStep(Name, args) is { } next) Console.Error.WriteLine(next);
            return ExitCodes.Interrupted;
        }
        catch (LatentException e)
        {
            Console.Error.WriteLine($"error: {e.Message}");
            if (verbose) Console.Error.WriteLine(e);
            return ExitCodes.Failure;
        }
        catch (Exception e)
        {
            Console.Error.WriteLine($"error: unexpected {e.GetType().Name}: {e.Message.ReplaceLineEndings(" ")}{(verbose ? "" : " (run with --verbose for the stack trace)")}");
            if (verbose) Console.Error.WriteLine(e);
            return ExitCodes.Failure;
        }
    }
}
