using TorchSharp.Modules;
using static TorchSharp.torch.utils;

namespace Latent.Training;

/// <summary>
/// A run's TensorBoard log: scalars (training loss, learning rate, evaluations, metrics) written through TorchSharp's
/// <see cref="SummaryWriter"/> as TFRecord-framed Event records into one events file under a folder; view it with
/// <c>tensorboard --logdir runs</c>.
/// </summary>
public sealed class RunLog
{
    /// <summary>The folder inside a run's output folder that holds the events file.</summary>
    public const string FolderName = "tensorboard";

    private readonly SummaryWriter writer;

    /// <summary>Creates the folder (when missing) and a fresh events file in it; the loss is to be recorded every <paramref name="everySteps"/> steps.</summary>
    public RunLog(string directory, int everySteps = 10)
    {
        if (everySteps < 1) throw new LatentException($"run-log interval must be at least 1 step, got {everySteps}");
        try
        {
            writer = tensorboard.SummaryWriter(directory);
        }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException)
        {
            throw new LatentException($"{directory}: cannot write the TensorBoard log ({e.Message.ReplaceLineEndings(" ")})", e);
        }
        (Directory, EverySteps) = (directory, everySteps);
    }

    /// <summary>
    /// The run log of a run writing into <paramref name="outDir"/> (its <see cref="FolderName"/> subfolder, and there the folder
    /// <paramref name="run"/> when one command trains several models), or null when <paramref name="options"/> turn it off.
    /// </summary>
    public static RunLog? Open(string outDir, RunLogOptions options, string? run = null) =>
        options.Validate().TensorBoard ? new RunLog(Path.Combine(outDir, FolderName, run ?? ""), options.EverySteps) : null;

    /// <summary>The folder the events file is in.</summary>
    public string Directory { get; }

    /// <summary>The interval, in optimizer steps, at which trainers record the training loss and learning rate.</summary>
    public int EverySteps { get; }

    /// <summary>Records <paramref name="value"/> under <paramref name="tag"/> (such as "train/loss") at <paramref name="step"/>, stamped with the current time; non-finite values are skipped.</summary>
    public void Scalar(string tag, double value, long step)
    {
        if (!double.IsFinite(value)) return;
        // SummaryWriter's own default wall time is 0 (or .NET ticks); TensorBoard expects seconds since the Unix epoch (whole seconds here).
        writer.add_scalar(tag, (float)value, (int)Math.Clamp(step, 0, int.MaxValue), DateTimeOffset.UtcNow.ToUnixTimeSeconds());
    }

    /// <summary>A figure's name as a tag part: lower case, each run of other characters than letters and digits one underscore ("test −ELBO" → "test_elbo").</summary>
    public static string Tag(string name) =>
        System.Text.RegularExpressions.Regex.Replace(name.ToLowerInvariant(), "[^a-z0-9]+", "_").Trim('_');

    /// <summary>Records each entry of <paramref name="metrics"/> (such as metrics.json's) as "<paramref name="group"/>/NAME" at <paramref name="step"/>.</summary>
    public void Metrics(IReadOnlyDictionary<string, double> metrics, long step, string group = "metrics")
    {
        foreach (var (name, value) in metrics) Scalar($"{group}/{name}", value, step);
    }
}
