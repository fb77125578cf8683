using System.Globalization;
using System.Text;

namespace Latent.Training;

/// <summary>The losses a training run recorded: every step's batch loss, every epoch's mean, and periodic evaluations.</summary>
public sealed class LearningCurve
{
    /// <summary>The batch loss after each optimizer step.</summary>
    public List<CurvePoint> Steps { get; } = new();

    /// <summary>The mean batch loss of each completed epoch.</summary>
    public List<CurvePoint> Epochs { get; } = new();

    /// <summary>Values of the trainer's evaluation callback (for example the full-data loss), recorded periodically.</summary>
    public List<CurvePoint> Evaluations { get; } = new();

    /// <summary>How early stopping ended the run (set by <see cref="Trainer"/> when it ran with a patience; null otherwise).</summary>
    public EarlyStop? EarlyStop { get; set; }

    /// <summary><paramref name="metrics"/> with <see cref="Training.EarlyStop.MetricName"/> added when the run stopped early.</summary>
    public IReadOnlyDictionary<string, double> WithStopMetrics(IReadOnlyDictionary<string, double> metrics) => EarlyStop?.AddTo(metrics) ?? metrics;

    /// <summary>Writes all points as CSV with columns series,step,epoch,value (atomically).</summary>
    public void WriteCsv(string path, string? runName = null)
    {
        var text = new StringBuilder();
        text.AppendLine(runName is null ? "series,step,epoch,value" : "run,series,step,epoch,value");
        AppendCsv(text, runName);
        AtomicFile.WriteText(path, text.ToString());
    }

    /// <summary>Appends this curve's rows (without header) to <paramref name="text"/>, prefixed by <paramref name="runName"/> when given.</summary>
    public void AppendCsv(StringBuilder text, string? runName)
    {
        foreach (var (series, points) in new[] { ("step", Steps), ("epoch", Epochs), ("eval", Evaluations) })
        {
            foreach (var p in points)
            {
                if (runName is not null) text.Append(runName).Append(',');
                text.Append(series).Append(',')
                    .Append(p.Step.ToString(CultureInfo.InvariantCulture)).Append(',')
                    .Append(p.Epoch.ToString("R", CultureInfo.InvariantCulture)).Append(',')
                    .Append(p.Value.ToString("R", CultureInfo.InvariantCulture)).AppendLine();
            }
        }
    }

    /// <summary>Serializes the curve (used inside checkpoints).</summary>
    public void Write(BinaryWriter writer)
    {
        foreach (var points in new[] { Steps, Epochs, Evaluations })
        {
            writer.Write(points.Count);
            foreach (var p in points)
            {
                writer.Write(p.Step);
                writer.Write(p.Epoch);
                writer.Write(p.Value);
            }
        }
    }

    /// <summary>Reads a curve written by <see cref="Write"/>.</summary>
    public static LearningCurve Read(BinaryReader reader)
    {
        var curve = new LearningCurve();
        foreach (var points in new[] { curve.Steps, curve.Epochs, curve.Evaluations })
        {
            int count = reader.ReadInt32();
            for (int i = 0; i < count; i++) points.Add(new CurvePoint(reader.ReadInt64(), reader.ReadDouble(), reader.ReadDouble()));
        }
        return curve;
    }
}
