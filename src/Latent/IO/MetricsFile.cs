using System.Globalization;
using System.Text;

namespace Latent.IO;

/// <summary>metrics.json: the flat JSON object of numbers every train command writes beside its report (test_accuracy, test_nlpd, …).</summary>
public static class MetricsFile
{
    /// <summary>The file name inside a run's output folder.</summary>
    public const string FileName = "metrics.json";

    /// <summary>Writes <paramref name="metrics"/> as a flat JSON object into <paramref name="directory"/>/metrics.json (atomically); returns the path.</summary>
    public static string Write(string directory, IReadOnlyDictionary<string, double> metrics)
    {
        var text = new StringBuilder("{\n");
        var index = 0;
        foreach (var (name, value) in metrics)
        {
            var number = double.IsFinite(value) ? value.ToString("R", CultureInfo.InvariantCulture) : "null";
            text.Append(CultureInfo.InvariantCulture, $"  \"{name}\": {number}{(++index < metrics.Count ? "," : "")}\n");
        }
        text.Append("}\n");
        var path = Path.Combine(directory, FileName);
        AtomicFile.WriteText(path, text.ToString());
        return path;
    }
}
