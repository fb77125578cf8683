using System.Globalization;
using nietras.SeparatedValues;

namespace Latent.Data;

/// <summary>
/// Reads a CSV/TSV file with a header row (parsed by Sep; the delimiter is detected from the header, or tab for .tsv): one
/// label column (integers or class names), or one or more real-valued target columns, and numeric feature columns → features [N, D].
/// </summary>
internal static class CsvDataReader
{
    /// <summary>The <see cref="DataOptions.LabelColumn"/> value that reads every column as a feature.</summary>
    public const string NoLabels = "none";

    /// <summary>
    /// Reads <paramref name="path"/>; the column named <paramref name="labelColumn"/> holds labels (absent or "none": unlabelled), or,
    /// when <paramref name="targetColumns"/> are given, those columns hold real-valued targets [N, L] and every other column is a feature.
    /// </summary>
    public static SourcePart Read(string path, string labelColumn, IReadOnlyList<string>? targetColumns = null, bool targetsOptional = false)
    {
        try
        {
            bool tab = path.EndsWith(".tsv", StringComparison.OrdinalIgnoreCase);
            using var reader = Sep.Reader(o => o with
            {
                Sep = tab ? new Sep('\t') : o.Sep,
                DisableColCountCheck = true,
                Unescape = true,
                Trim = SepTrim.All,
                CultureInfo = CultureInfo.InvariantCulture,
            }).FromFile(path);
            var columns = reader.Header.ColNames;
            if (columns.Count == 0 || columns.Count == 1 && columns[0].Length == 0) throw new LatentException($"{path}: empty file (expected a header row and data rows)");
            if (targetsOptional && targetColumns is not null && !targetColumns.All(columns.Contains)) targetColumns = [];
            var targetIndices = targetColumns?.Select(name => IndexOf(columns, name) is >= 0 and var index ? index
                : throw new LatentException($"{path}: no target column '{name}' (the columns are: {string.Join(", ", columns)})")).ToArray() ?? [];
            int labelIndex = targetColumns is not null || string.Equals(labelColumn, NoLabels, StringComparison.OrdinalIgnoreCase) ? -1 : IndexOf(columns, labelColumn);
            var featureColumns = Enumerable.Range(0, columns.Count).Where(i => i != labelIndex && !targetIndices.Contains(i)).ToArray();
            if (featureColumns.Length == 0)
                throw new LatentException($"{path}: no feature columns besides the {(targetColumns is null ? $"label column '{labelColumn}'" : "target columns")}");
            var values = new List<float>();
            var targets = new List<double>();
            var labels = new List<string>();
            int rowNumber = 0;
            foreach (var row in reader)
            {
                rowNumber++;
                int line = row.LineNumberFrom;
                string Where(int column) => $"{path}: row {rowNumber} (line {line}), column '{columns[column]}'";
                if (row.ColCount != columns.Count)
                    throw new LatentException($"{path}: row {rowNumber} (line {line}) has {row.ColCount} fields but the header has {columns.Count}");
                foreach (var column in featureColumns)
                {
                    var cell = row[column].Span;
                    if (!double.TryParse(cell, NumberStyles.Float, CultureInfo.InvariantCulture, out var number))
                        throw new LatentException($"{Where(column)}: '{cell}' is not a number");
                    var value = (float)number;
                    if (!float.IsFinite(value)) throw new LatentException($"{Where(column)}: '{cell}' is not a finite number");
                    values.Add(value);
                }
                foreach (var column in targetIndices)
                {
                    var cell = row[column].Span;
                    if (!double.TryParse(cell, NumberStyles.Float, CultureInfo.InvariantCulture, out var target))
                        throw new LatentException($"{Where(column)}: target '{cell}' is not a number");
                    if (!double.IsFinite(target)) throw new LatentException($"{Where(column)}: target '{cell}' is not a finite number");
                    targets.Add(target);
                }
                if (labelIndex >= 0)
                {
                    var label = row[labelIndex].ToString();
                    if (label.Length == 0) throw new LatentException($"{Where(labelIndex)}: empty label");
                    labels.Add(label);
                }
            }
            if (rowNumber == 0) throw new LatentException($"{path}: no data rows after the header");
            var features = tensor(values.ToArray(), new long[] { rowNumber, featureColumns.Length });
            if (targetColumns is { Count: 0 }) return new SourcePart(features, null, null);
            if (targetColumns is not null) return new SourcePart(features, null, null, tensor(targets.ToArray(), new long[] { rowNumber, targetIndices.Length }, ScalarType.Float64));
            if (labelIndex < 0) return new SourcePart(features, null, null);
            var integers = IntegerLabels(labels, i => $"{path}: row {i + 1}, column '{columns[labelIndex]}'");
            return integers is null ? new SourcePart(features, null, labels.ToArray()) : new SourcePart(features, integers, null);
        }
        catch (Exception e) when (e is not LatentException)
        {
            throw new LatentException($"{path}: cannot read as CSV ({e.Message.ReplaceLineEndings(" ")})", e);
        }
    }

    private static int IndexOf(IReadOnlyList<string> columns, string name)
    {
        for (int i = 0; i < columns.Count; i++)
            if (columns[i] == name) return i;
        return -1;
    }

    /// <summary>
    /// Integer labels when every cell is a number ("3" or "3.0"), null when any cell is not a number (class names);
    /// a fractional or negative number is refused naming its row.
    /// </summary>
    private static long[]? IntegerLabels(List<string> cells, Func<int, string> where)
    {
        var numbers = new double[cells.Count];
        for (int i = 0; i < cells.Count; i++)
            if (!double.TryParse(cells[i], NumberStyles.Float, CultureInfo.InvariantCulture, out numbers[i]) || !double.IsFinite(numbers[i])) return null;
        var labels = new long[cells.Count];
        for (int i = 0; i < cells.Count; i++)
        {
            if (numbers[i] != Math.Floor(numbers[i]) || Math.Abs(numbers[i]) > 1e15) throw new LatentException($"{where(i)}: label '{cells[i]}' is not an integer");
            if (numbers[i] < 0) throw new LatentException($"{where(i)}: label '{cells[i]}' is negative (labels must be 0, 1, …, C−1)");
            labels[i] = (long)numbers[i];
        }
        return labels;
    }
}
