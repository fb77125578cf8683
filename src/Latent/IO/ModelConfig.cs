namespace Latent.IO;

/// <summary>
/// A model folder's config.json, the one layout of every model family: exactly the top-level keys "kind", "format_version",
/// "architecture" (what the family needs to rebuild its network), "data" (<see cref="DataDescription"/>) and "training"
/// (<see cref="TrainingRecord"/>, with trained_on). A family writes only its architecture and options; the rest is common.
/// Folders of format version 1 (before this layout) are converted on reading.
/// </summary>
/// <param name="Kind">The model family ("vae", "svgp", …).</param>
/// <param name="FormatVersion">The family's format version.</param>
/// <param name="Architecture">Family-specific facts needed to rebuild the model.</param>
/// <param name="Data">What the model reads: example shape, class or target names, standardisation.</param>
/// <param name="Training">Options, seed, Latent version, finish time, trained_on and family-specific run facts.</param>
public sealed record ModelConfig(string Kind, int FormatVersion, JsonObject Architecture, DataDescription Data, TrainingRecord Training)
{
    /// <summary>The top-level keys of every config.json, in the order written.</summary>
    public static IReadOnlyList<string> TopLevelKeys { get; } = ["kind", "format_version", "architecture", "data", "training"];

    /// <summary>The format version that first used this layout; older folders are converted by <see cref="FromJson"/>.</summary>
    public const int FirstUnifiedVersion = 2;

    /// <summary>Where this config was read from (for messages), or "config.json" for one made in memory.</summary>
    public string Source { get; init; } = ModelFolder.ConfigFile;

    /// <summary>The format version the folder was written with (at most <see cref="FormatVersion"/>; a family converts what an older one stored differently).</summary>
    public int StoredVersion { get; init; }

    private static readonly JsonSerializerOptions Snake = new() { PropertyNamingPolicy = JsonNamingPolicy.SnakeCaseLower };

    /// <summary>The options in <see cref="TrainingRecord.Options"/> as <typeparamref name="T"/> (read with <paramref name="json"/>), or a one-line error naming the file.</summary>
    public T ReadOptions<T>(JsonSerializerOptions? json = null) where T : class
    {
        try
        {
            return Training.Options.Deserialize<T>(json) ?? throw new LatentException($"{Source}: field 'training.options' is null");
        }
        catch (Exception e) when (e is JsonException or InvalidOperationException or NotSupportedException)
        {
            throw new LatentException($"{Source}: field 'training.options' is not valid ({e.Message.Split('\n')[0]})", e);
        }
    }

    /// <summary>A required architecture field as <typeparamref name="T"/>, or a one-line error naming the file.</summary>
    public T Architectural<T>(string name) => ModelFolder.Read<T>(Architecture, name, Source);

    /// <summary>A required family-specific training field (such as "steps_taken") as <typeparamref name="T"/>, or a one-line error naming the file.</summary>
    public T TrainingFact<T>(string name) => ModelFolder.Read<T>(Training.Extra ?? [], name, Source);

    /// <summary>The example shape, which a model of examples must have: one or more positive sizes, or a one-line error.</summary>
    public long[] RequireExampleShape()
    {
        var shape = Data.ExampleShape ?? throw new LatentException($"{Source}: missing field 'data.example_shape'");
        if (shape.Length == 0 || shape.Any(size => size < 1))
            throw new LatentException($"{Source}: field 'data.example_shape' [{string.Join(", ", shape)}] is not a list of positive sizes");
        return shape;
    }

    /// <summary>The class names, which a classifier must have: at least two, none null, or a one-line error.</summary>
    public string[] RequireClassNames()
    {
        var names = Data.ClassNames ?? throw new LatentException($"{Source}: missing field 'data.class_names'");
        if (names.Count < 2 || names.Any(name => name is null))
            throw new LatentException($"{Source}: field 'data.class_names' must name at least two classes, found {names.Count}");
        return names.ToArray();
    }

    /// <summary>The standardisation, checked against the example shape's feature count, or null.</summary>
    public Standardization? CheckedStandardization() => Data.Standardization?.Checked(Data.FeatureCount, Source);

    /// <summary>The target names, which a regression model must have: at least one, none null, or a one-line error.</summary>
    public string[] RequireTargetNames()
    {
        var names = Data.TargetNames ?? throw new LatentException($"{Source}: missing field 'data.target_names'");
        if (names.Count < 1 || names.Any(name => name is null)) throw new LatentException($"{Source}: field 'data.target_names' must name at least one target");
        return names.ToArray();
    }

    /// <summary>The target standardisation, checked against the number of target names, or null.</summary>
    public TargetStandardization? CheckedTargetStandardization() => Data.TargetStandardization?.Checked(Data.TargetCount, Source);

    /// <summary>The config as its JSON document (top-level keys in <see cref="TopLevelKeys"/> order).</summary>
    public JsonObject ToJson()
    {
        var data = new JsonObject
        {
            ["example_shape"] = JsonSerializer.SerializeToNode(Data.ExampleShape),
            ["class_names"] = JsonSerializer.SerializeToNode(Data.ClassNames),
            ["target_names"] = JsonSerializer.SerializeToNode(Data.TargetNames),
            ["standardization"] = Data.Standardization is { } s ? new JsonObject { ["mean"] = JsonSerializer.SerializeToNode(s.Mean), ["scale"] = JsonSerializer.SerializeToNode(s.Scale) } : null,
        };
        if (Data.TargetStandardization is { } t)
            data["target_standardization"] = new JsonObject { ["mean"] = JsonSerializer.SerializeToNode(t.Mean), ["scale"] = JsonSerializer.SerializeToNode(t.Scale) };
        var training = new JsonObject
        {
            ["options"] = Training.Options.DeepClone(),
            ["seed"] = Training.Seed,
            ["latent_version"] = Training.LatentVersion,
            ["finished_at"] = Training.FinishedAt?.ToString("O", System.Globalization.CultureInfo.InvariantCulture),
            ["trained_on"] = Training.TrainedOn is { } on ? JsonSerializer.SerializeToNode(on, Snake) : null,
        };
        foreach (var (key, value) in Training.Extra ?? [])
        {
            if (training.ContainsKey(key)) throw new InvalidOperationException($"training fact '{key}' clashes with a common training field");
            training[key] = value?.DeepClone();
        }
        return new JsonObject
        {
            ["kind"] = Kind, ["format_version"] = FormatVersion, ["architecture"] = Architecture.DeepClone(), ["data"] = data, ["training"] = training,
        };
    }

    private static readonly HashSet<string> CommonTrainingKeys = ["options", "seed", "latent_version", "finished_at", "trained_on"];

    /// <summary>
    /// Reads a config document from <paramref name="source"/> that must hold a <paramref name="kind"/> model of <paramref name="formatVersion"/>;
    /// a version-1 document (written before this layout) is converted first, a later older version is read as it is (its version kept in
    /// <see cref="StoredVersion"/>). Anything else is a one-line error naming the file.
    /// </summary>
    public static ModelConfig FromJson(JsonObject document, string kind, int formatVersion, string source)
    {
        var foundKind = ModelFolder.ReadString(document, "kind", source);
        if (foundKind != kind) throw new LatentException($"{Path.GetDirectoryName(source)}: holds a '{foundKind}' model, not a '{kind}' model");
        var version = ModelFolder.Read<int>(document, "format_version", source);
        if (version == 1 && formatVersion >= FirstUnifiedVersion) document = FromVersion1(document);
        else if (version < FirstUnifiedVersion || version > formatVersion)
            throw new LatentException(version > formatVersion
                ? $"{Path.GetDirectoryName(source)}: model format version {version} comes from a newer Latent; this version ({TrainingRecord.CurrentVersion}) reads versions 1 to {formatVersion}"
                : $"{Path.GetDirectoryName(source)}: model format version {version}; this version of Latent reads versions 1 to {formatVersion}");
        var extra = document.Select(entry => entry.Key).Except(TopLevelKeys).ToList();
        if (extra.Count > 0) throw new LatentException($"{source}: unexpected top-level field '{extra[0]}'");
        var architecture = ModelFolder.Read<JsonObject>(document, "architecture", source);
        var data = ModelFolder.Read<JsonObject>(document, "data", source);
        var training = ModelFolder.Read<JsonObject>(document, "training", source);
        var standardization = data["standardization"] is JsonObject s
            ? new Standardization(ModelFolder.Read<float[]>(s, "mean", source), ModelFolder.Read<float[]>(s, "scale", source)) : null;
        var targetStandardization = data["target_standardization"] is JsonObject t
            ? new TargetStandardization(ModelFolder.Read<double[]>(t, "mean", source), ModelFolder.Read<double[]>(t, "scale", source)) : null;
        var description = new DataDescription(ModelFolder.ReadOptional<long[]>(data, "example_shape", source), ModelFolder.ReadOptional<string[]>(data, "class_names", source),
            ModelFolder.ReadOptional<string[]>(data, "target_names", source), standardization, targetStandardization);
        var options = training["options"] ?? throw new LatentException($"{source}: missing field 'training.options'");
        var finished = ModelFolder.ReadOptional<string>(training, "finished_at", source);
        DateTimeOffset? finishedAt = finished is null ? null
            : DateTimeOffset.TryParse(finished, System.Globalization.CultureInfo.InvariantCulture, System.Globalization.DateTimeStyles.AssumeUniversal, out var time) ? time
            : throw new LatentException($"{source}: field 'training.finished_at' is not a time ('{finished}')");
        var trainedOn = ModelFolder.ReadOptional<DataProvenance>(training, "trained_on", source, Snake);
        var facts = new JsonObject();
        foreach (var (key, value) in training)
            if (!CommonTrainingKeys.Contains(key)) facts[key] = value?.DeepClone();
        var record = new TrainingRecord(options.DeepClone(), training["seed"] is null ? 0 : ModelFolder.Read<long>(training, "seed", source),
            ModelFolder.ReadOptional<string>(training, "latent_version", source) ?? "unknown", finishedAt, trainedOn, facts.Count > 0 ? facts : null);
        return new ModelConfig(kind, formatVersion, (JsonObject)architecture.DeepClone(), description, record) { Source = source, StoredVersion = version };
    }

    /// <summary>Keys of a version-1 config that move into "training" and "data"; every other key moves into "architecture".</summary>
    private static readonly string[] Version1TrainingKeys = ["options", "steps_taken", "initial_lengthscale", "true_transition"];
    private static readonly string[] Version1DataKeys = ["example_shape", "class_names", "standardization"];

    /// <summary>
    /// A version-1 config (each family's own top-level keys) in this layout: options and run facts into training, shape, classes and
    /// standardisation into data (the VAE kept its shape in architecture.input_shape and its statistics in preprocessing), the rest
    /// into architecture (an architecture that was one string, such as "784-256-10" or "cnn", becomes architecture.network).
    /// </summary>
    private static JsonObject FromVersion1(JsonObject old)
    {
        var architecture = new JsonObject();
        var data = new JsonObject();
        var training = new JsonObject();
        foreach (var (key, value) in old)
        {
            var copy = value?.DeepClone();
            if (key is "kind" or "format_version") continue;
            if (Version1TrainingKeys.Contains(key)) training[key] = copy;
            else if (Version1DataKeys.Contains(key)) data[key] = copy;
            else if (key == "preprocessing" && copy is JsonObject preprocessing) data["standardization"] = preprocessing["standardization"]?.DeepClone();
            else if (key == "architecture" && copy is JsonObject inner)
            {
                foreach (var (name, part) in inner)
                {
                    if (name == "input_shape") data["example_shape"] = part?.DeepClone();
                    else architecture[name] = part?.DeepClone();
                }
            }
            else if (key == "architecture") architecture["network"] = copy;
            else architecture[key] = copy;
        }
        // Version 1 wrote some statistics with .NET's default names (Mean, Scale).
        if (data["standardization"] is JsonObject statistics)
            data["standardization"] = new JsonObject { ["mean"] = (statistics["mean"] ?? statistics["Mean"])?.DeepClone(), ["scale"] = (statistics["scale"] ?? statistics["Scale"])?.DeepClone() };
        if (training["options"] is JsonObject options && options["seed"] is { } seed) training["seed"] = seed.DeepClone();
        else if (training["options"] is JsonObject pascal && pascal["Seed"] is { } pascalSeed) training["seed"] = pascalSeed.DeepClone();
        return new JsonObject { ["kind"] = old["kind"]?.DeepClone(), ["format_version"] = 1, ["architecture"] = architecture, ["data"] = data, ["training"] = training };
    }
}
