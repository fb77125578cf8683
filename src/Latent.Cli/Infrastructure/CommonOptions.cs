namespace Latent.Cli.Infrastructure;

/// <summary>The options every command has: --seed, --out and --verbose; and --device, which commands that run a model add.</summary>
public sealed class CommonOptions
{
    /// <summary>The run's random seed.</summary>
    public Option<long> Seed { get; } = new("--seed") { Description = "random seed; the same seed gives the same numbers", DefaultValueFactory = _ => 0L };

    /// <summary>The output folder.</summary>
    public Option<string?> Out { get; } = new("--out") { Description = "output folder (default runs/<command>-<timestamp>)" };

    /// <summary>The device the model computes on; a badly spelled one is refused at parse time.</summary>
    public Option<string> Device { get; } = new("--device") { Description = $"compute device: {ComputeDevice.Spellings}", DefaultValueFactory = _ => ComputeDevice.Default };

    /// <summary>Show stack traces of unexpected errors.</summary>
    public static Option<bool> Verbose { get; } = new("--verbose") { Description = "print the runtime line (threads, OpenMP waiting, allocator, and why) and stack traces of unexpected errors", Recursive = true };

    /// <summary>A fresh --resume option for a command that checkpoints into --out.</summary>
    public static Option<bool> Resume(string description = "continue a stopped run from the checkpoint in --out") => new("--resume") { Description = description };

    /// <summary>Turns the TensorBoard log off; training commands add it.</summary>
    public Option<bool> NoTensorBoard { get; } = new("--no-tensorboard")
    {
        Description = $"do not write TensorBoard scalars (loss every {Training.RunLogOptions.Default.EverySteps} steps, learning rate, evaluations) to OUT/{Training.RunLog.FolderName}",
        DefaultValueFactory = _ => !Training.RunLogOptions.Default.TensorBoard,
    };

    /// <summary>A fresh --patience option: early stopping on <paramref name="figure"/>, the validation figure the command names.</summary>
    public static Option<int?> Patience(string figure) =>
        CliOptions.OptionalCount<int>("--patience", $"stop when the validation {figure} has not improved for N epochs and keep the best epoch's weights (default: run every epoch)");

    /// <summary>The run's TensorBoard log in <paramref name="outDir"/> (in its folder <paramref name="run"/> when given), or null under --no-tensorboard.</summary>
    public Training.RunLog? OpenRunLog(ParseResult result, string outDir, string? run = null) =>
        Training.RunLog.Open(outDir, Training.RunLogOptions.Default with { TensorBoard = !result.GetValue(NoTensorBoard) }, run);

    /// <summary>Creates the options and validates that --out is not an existing file and --device is spelled right.</summary>
    public CommonOptions()
    {
        Device.Validators.Add(result => { if (!ComputeDevice.IsValid(result.GetValueOrDefault<string>())) result.AddError($"--device must be {ComputeDevice.Spellings}, got '{result.GetValueOrDefault<string>()}'"); });
        Out.Validators.Add(result =>
        {
            var value = result.GetValueOrDefault<string?>();
            if (value is not null && File.Exists(value)) result.AddError($"--out: '{value}' is a file, not a directory");
        });
    }

    /// <summary>Adds the options to <paramref name="command"/>.</summary>
    public void AddTo(Command command)
    {
        command.Options.Add(Seed);
        command.Options.Add(Out);
    }

    /// <summary>Starts a command's work: libtorch loaded (its one-line description shown), the output folder resolved as <see cref="ResolveOut"/> does, and --seed read.</summary>
    public (string OutDir, long Seed) Start(ConsoleUi ui, ParseResult result, string commandName)
    {
        ui.Info(LatentRuntime.Initialize());
        return (ResolveOut(result, commandName), result.GetValue(Seed));
    }

    /// <summary>
    /// The output folder for <paramref name="commandName"/>: --out, else runs/NAME-yyyyMMdd-HHmmss; created here and checked to be
    /// writable (by writing and deleting a probe file) before any work starts, so an unwritable --out fails at once in one line.
    /// </summary>
    public string ResolveOut(ParseResult result, string commandName)
    {
        var dir = result.GetValue(Out) ?? Path.Combine("runs", $"{commandName}-{DateTime.Now:yyyyMMdd-HHmmss}");
        if (File.Exists(dir)) throw new LatentException($"--out: '{dir}' is a file, not a directory");
        try
        {
            Directory.CreateDirectory(dir);
            var probe = Path.Combine(dir, $".latent-write-check-{Environment.ProcessId}");
            File.WriteAllBytes(probe, []);
            File.Delete(probe);
        }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException)
        {
            throw new LatentException($"--out: cannot write to '{dir}' ({e.Message.ReplaceLineEndings(" ")})", e);
        }
        return Path.GetFullPath(dir);
    }
}
