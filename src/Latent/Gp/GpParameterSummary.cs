using System.Globalization;
using System.Text;

namespace Latent.Gp;

/// <summary>One row of a <see cref="GpParameterSummary"/>: a parameter's name, shape, transform, whether it trains, and its (constrained) values.</summary>
public sealed record GpParameterRow(string Name, long[] Shape, string Transform, bool Trainable, double[] Values)
{
    /// <summary>The values as the table prints them: all of them up to six, else the first three, an ellipsis and the count.</summary>
    public string ValueText => Values.Length <= 6
        ? (Shape.Length == 0 || Values.Length == 1 && Shape.All(s => s == 1) ? Format(Values[0]) : $"[{string.Join(", ", Values.Select(Format))}]")
        : $"[{string.Join(", ", Values.Take(3).Select(Format))}, … ({Values.Length} values)]";

    private static string Format(double value) => value.ToString("G6", CultureInfo.InvariantCulture);
}

/// <summary>
/// A GP model's parameters as GPflow's print_summary lists them: every constrained parameter under its module path with its
/// transform (exp, lower-triangular) and constrained value, and every plain parameter (inducing inputs, q(u)'s mean) as identity.
/// </summary>
public sealed record GpParameterSummary(IReadOnlyList<GpParameterRow> Rows)
{
    /// <summary>The summary of <paramref name="model"/>'s parameters, in state-dict order.</summary>
    public static GpParameterSummary Of(nn.Module model)
    {
        using var noGrad = no_grad();
        var rows = new List<GpParameterRow>();
        var constrained = model.named_modules().Where(entry => entry.module is ConstrainedParameter).ToDictionary(entry => entry.name + ".unconstrained", entry => (entry.name, (ConstrainedParameter)entry.module));
        foreach (var (name, parameter) in model.named_parameters())
        {
            if (constrained.TryGetValue(name, out var owner))
            {
                var (path, value) = owner;
                rows.Add(new GpParameterRow(path, value.Shape, value.Constraint == Constraint.Positive ? "exp" : "lower-triangular", parameter.requires_grad, value.Values));
            }
            else
            {
                using var doubles = parameter.detach().to(ScalarType.Float64).cpu().contiguous();
                rows.Add(new GpParameterRow(name, parameter.shape, "identity", parameter.requires_grad, doubles.data<double>().ToArray()));
            }
        }
        return new GpParameterSummary(rows);
    }

    /// <summary>The summary as an aligned text table with the columns name, shape, transform, trainable, value.</summary>
    public string ToText()
    {
        string[] header = ["name", "shape", "transform", "trainable", "value"];
        var cells = Rows.Select(row => new[] { row.Name, $"[{string.Join(", ", row.Shape)}]", row.Transform, row.Trainable ? "True" : "False", row.ValueText }).ToList();
        var widths = Enumerable.Range(0, header.Length).Select(c => cells.Select(r => r[c].Length).Append(header[c].Length).Max()).ToArray();
        var text = new StringBuilder();
        void Line(IReadOnlyList<string> values) => text.AppendLine(string.Join("  ", values.Select((v, c) => c == values.Count - 1 ? v : v.PadRight(widths[c]))).TrimEnd());
        Line(header);
        Line(widths.Select(w => new string('-', w)).ToArray());
        foreach (var row in cells) Line(row);
        return text.ToString();
    }
}
