namespace Latent.Cli.Infrastructure;

/// <summary>Factories for options whose values are validated at parse time, so a bad value is a one-line error with exit code 2.</summary>
public static class CliOptions
{
    /// <summary>The option's value, or false when it did not convert (System.CommandLine then reports the conversion error itself).</summary>
    private static bool TryGet<T>(System.CommandLine.Parsing.OptionResult result, out T value)
    {
        try
        {
            value = result.GetValueOrDefault<T>();
            return true;
        }
        catch (InvalidOperationException)
        {
            value = default!;
            return false;
        }
    }

    /// <summary>Adds to <paramref name="option"/> the check that a converted value satisfies <paramref name="valid"/>, else "NAME must be REQUIREMENT, got VALUE".</summary>
    private static Option<T> Requiring<T>(Option<T> option, Func<T, bool> valid, string requirement)
    {
        option.Validators.Add(result =>
        {
            if (TryGet(result, out T value) && !valid(value)) result.AddError($"{option.Name} must be {requirement}, got {Convert.ToString(value, CultureInfo.InvariantCulture)}");
        });
        return option;
    }

    /// <summary>An integer option that must be at least <paramref name="minimum"/>.</summary>
    public static Option<int> Int(string name, int defaultValue, string description, int minimum = 1) =>
        Requiring(new Option<int>(name) { Description = description, DefaultValueFactory = _ => defaultValue }, value => value >= minimum, $"at least {minimum}");

    /// <summary>A floating-point option that must be finite and strictly positive.</summary>
    public static Option<double> PositiveDouble(string name, double defaultValue, string description) =>
        Requiring(new Option<double>(name) { Description = description, DefaultValueFactory = _ => defaultValue }, value => value > 0 && double.IsFinite(value), "a positive number");

    /// <summary>A floating-point option that must be finite and at least 0 (a penalty weight where 0 means off).</summary>
    public static Option<double> NonNegativeDouble(string name, double defaultValue, string description) =>
        Requiring(new Option<double>(name) { Description = description, DefaultValueFactory = _ => defaultValue }, value => value >= 0 && double.IsFinite(value), "a non-negative number");

    /// <summary>An optional floating-point option that, when given, must be finite and strictly positive (null when absent).</summary>
    public static Option<double?> OptionalPositiveDouble(string name, string description) =>
        Requiring(new Option<double?>(name) { Description = description }, value => value is not { } given || given > 0 && double.IsFinite(given), "a positive number");

    /// <summary>An optional floating-point option that, when given, must be finite and at least 0 (null when absent: the library's default).</summary>
    public static Option<double?> OptionalNonNegativeDouble(string name, string description) =>
        Requiring(new Option<double?>(name) { Description = description }, value => value is not { } given || given >= 0 && double.IsFinite(given), "a non-negative number");

    /// <summary>An optional count (a cap such as --examples) that, when given, must be at least 1 (null when absent: no cap).</summary>
    public static Option<T?> OptionalCount<T>(string name, string description) where T : struct, System.Numerics.INumber<T> =>
        Requiring(new Option<T?>(name) { Description = description }, value => value is not { } given || given >= T.One, "at least 1");

    /// <summary>A floating-point option in [0, 1): a share of something, or a moving-average decay where 0 means off.</summary>
    public static Option<double> UnitFraction(string name, double defaultValue, string description) =>
        Requiring(new Option<double>(name) { Description = description, DefaultValueFactory = _ => defaultValue }, value => value >= 0 && value < 1, "in [0, 1)");

    /// <summary>A string option restricted to <paramref name="choices"/> (listed in help and in the error).</summary>
    public static Option<string> Choice(string name, string defaultValue, string description, params string[] choices)
    {
        var option = new Option<string>(name) { Description = $"{description} ({string.Join("|", choices)})", DefaultValueFactory = _ => defaultValue };
        option.Validators.Add(result =>
        {
            var value = result.GetValueOrDefault<string>();
            if (!choices.Contains(value)) result.AddError($"{name} must be one of {string.Join(", ", choices)}, got '{value}'");
        });
        return option;
    }

    /// <summary>A choice among the names of <paramref name="registry"/> (its names and their order are the help text's).</summary>
    public static Option<string> Choice<T>(string name, string defaultValue, string description, Registry<T> registry) =>
        Choice(name, defaultValue, description, [.. registry.Names]);

    /// <summary>A list of layer widths written "400" or "256,128", each a positive integer.</summary>
    public static Option<int[]> Widths(string name, string defaultValue, string description) =>
        new(name)
        {
            Description = $"{description}, comma-separated (default {defaultValue})",
            DefaultValueFactory = _ => ParseWidths(defaultValue)!,
            CustomParser = result =>
            {
                var text = result.Tokens.Count == 1 ? result.Tokens[0].Value : null;
                var widths = ParseWidths(text);
                if (widths is null) result.AddError($"{name} must be comma-separated positive integers, got '{text}'");
                return widths ?? Array.Empty<int>();
            },
        };

    /// <summary>An optional list of positive integers written "2000,10000" (empty when not given).</summary>
    public static Option<int[]> OptionalWidths(string name, string description) =>
        new(name)
        {
            Description = $"{description}, comma-separated",
            CustomParser = result =>
            {
                var text = result.Tokens.Count == 1 ? result.Tokens[0].Value : null;
                var widths = ParseWidths(text);
                if (widths is null) result.AddError($"{name} must be comma-separated positive integers, got '{text}'");
                return widths ?? [];
            },
        };

    private static int[]? ParseWidths(string? text)
    {
        if (string.IsNullOrWhiteSpace(text)) return null;
        var parts = text.Split(',', StringSplitOptions.TrimEntries);
        var widths = new int[parts.Length];
        for (int i = 0; i < parts.Length; i++)
            if (!int.TryParse(parts[i], NumberStyles.None, CultureInfo.InvariantCulture, out widths[i]) || widths[i] < 1) return null;
        return widths;
    }

    /// <summary>The required --model option of an eval, predict or sample command: a folder that <paramref name="trainCommand"/> wrote as OUT/model.</summary>
    public static Option<string?> ModelFolder(string trainCommand)
    {
        var option = ExistingDirectory("--model", $"saved model folder (OUT/model of `latent {trainCommand}`)");
        option.Required = true;
        return option;
    }

    /// <summary>An optional directory that must exist when given (for `--data DIR`).</summary>
    public static Option<string?> ExistingDirectory(string name, string description)
    {
        var option = new Option<string?>(name) { Description = description };
        option.Validators.Add(result =>
        {
            var value = result.GetValueOrDefault<string?>();
            if (value is null) return;
            if (File.Exists(value)) result.AddError($"{name}: '{value}' is a file, not a directory");
            else if (!Directory.Exists(value)) result.AddError($"{name}: directory '{value}' not found");
        });
        return option;
    }
}
