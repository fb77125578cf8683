using System.Globalization;

namespace Latent.IO;

/// <summary>metrics.json: the flat JSON object of numbers (and a few named strings) every train command writes beside its report (test_accuracy, test_nlpd, …).</summary>
public static class MetricsFile
{
    /// <summary>The file name inside a run's output folder.</summary>
    public const string FileName = "metrics.json";

    /// <summary>Writes <paramref name="metrics"/> as a flat JSON object into <paramref name="directory"/>/metrics.json (atomically); returns the path.</summary>
    public static string Write(string directory, IReadOnlyDictionary<string, double> metrics) => Write(directory, metrics, new Dictionary<string, string>());

    /// <summary>Writes <paramref name="metrics"/> and then the string entries <paramref name="labels"/> (a recommended model's name, say) as one flat JSON object; returns the path.</summary>
    public static string Write(string directory, IReadOnlyDictionary<string, double> metrics, IReadOnlyDictionary<string, string> labels)
    {
        var entries = metrics.Select(entry => (entry.Key, Value: double.IsFinite(entry.Value) ? entry.Value.ToString("R", CultureInfo.InvariantCulture) : "null"))
            .Concat(labels.Select(entry => (entry.Key, Value: JsonSerializer.Serialize(entry.Value))))
            .Select(entry => $"  \"{entry.Key}\": {entry.Value}");
        var path = Path.Combine(directory, FileName);
        AtomicFile.WriteText(path, "{\n" + string.Join(",\n", entries) + (metrics.Count + labels.Count > 0 ? "\n" : "") + "}\n");
        return path;
    }
}
