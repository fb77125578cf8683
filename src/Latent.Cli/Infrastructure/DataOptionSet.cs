namespace Latent.Cli.Infrastructure;

/// <summary>The data options of every command that trains on user data: --data, --test-data, --test-fraction, --label-column, --standardize.</summary>
public sealed class DataOptionSet
{
    private static readonly DataOptions Defaults = new();

    /// <summary>The data source.</summary>
    public Option<string?> Data { get; } = ExistingPath("--data", "training data: a folder of MNIST-format IDX files, a .npz/.npy file, a .csv/.tsv file with a header, or an image folder (train/<class>/…); default: the embedded MNIST");

    /// <summary>A separate test source.</summary>
    public Option<string?> TestData { get; } = ExistingPath("--test-data", "test data in the same format (default: the test part of --data, else a held-out share)");

    /// <summary>The held-out share when the source has no test part.</summary>
    public Option<double?> TestFraction { get; } = CliOptions.OptionalPositiveDouble("--test-fraction", $"hold out this share of the training examples as test data (default {DataOptions.DefaultTestFraction} when the data has no test part)");

    /// <summary>The CSV label column.</summary>
    public Option<string> LabelColumn { get; } = new("--label-column") { Description = "CSV/TSV column holding the class label ('none': unlabelled)", DefaultValueFactory = _ => Defaults.LabelColumn };

    /// <summary>Standardise features by training statistics.</summary>
    public Option<bool> Standardize { get; } = new("--standardize") { Description = "scale features (and real-valued targets) to zero mean and unit variance by training-set statistics (saved with the model)" };

    /// <summary>Creates the options; --test-fraction must lie below 1.</summary>
    public DataOptionSet()
    {
        TestFraction.Validators.Add(result =>
        {
            if (result.GetValueOrDefault<double?>() is >= 1) result.AddError("--test-fraction must be below 1");
        });
    }

    /// <summary>Adds the options to <paramref name="command"/>.</summary>
    public void AddTo(Command command)
    {
        foreach (var option in new Option[] { Data, TestData, TestFraction, LabelColumn, Standardize }) command.Options.Add(option);
    }

    /// <summary>The library's data options from the parsed command line, seeded with <paramref name="seed"/>.</summary>
    public DataOptions Read(ParseResult result, long seed) => new()
    {
        Path = result.GetValue(Data),
        TestPath = result.GetValue(TestData),
        TestFraction = result.GetValue(TestFraction),
        LabelColumn = result.GetValue(LabelColumn)!,
        Standardize = result.GetValue(Standardize),
        Seed = seed,
    };

    private static Option<string?> ExistingPath(string name, string description)
    {
        var option = new Option<string?>(name) { Description = description };
        option.Validators.Add(result =>
        {
            var value = result.GetValueOrDefault<string?>();
            if (value is not null && !File.Exists(value) && !Directory.Exists(value)) result.AddError($"{name}: '{value}' not found");
        });
        return option;
    }
}
