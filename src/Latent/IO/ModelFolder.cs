using System.Text.Json;
using System.Text.Json.Nodes;
using TorchSharp.PyBridge;
using static TorchSharp.torch;

namespace Latent.IO;

/// <summary>
/// The saved-model format of every Latent model (the Hugging Face save_pretrained shape): a folder holding config.json (kind,
/// format version, architecture, options, preprocessing, class names) and model.safetensors (the weights, readable by Python's
/// safetensors), plus model-specific files. A folder of another kind or version is refused in one line.
/// </summary>
public static class ModelFolder
{
    /// <summary>The configuration file's name.</summary>
    public const string ConfigFile = "config.json";

    /// <summary>The weights file's name.</summary>
    public const string WeightsFile = "model.safetensors";

    private static readonly JsonSerializerOptions Indented = new() { WriteIndented = true };

    /// <summary>
    /// Writes <paramref name="config"/> (with "kind" and "format_version" added) and <paramref name="weights"/> into
    /// <paramref name="directory"/>; each file is written atomically and config.json last, so a folder with a config is complete.
    /// </summary>
    public static void Save(string directory, string kind, int formatVersion, JsonObject config, IReadOnlyDictionary<string, Tensor> weights)
    {
        if (File.Exists(directory)) throw new LatentException($"{directory}: is a file, not a folder");
        Directory.CreateDirectory(directory);
        var contiguous = new Dictionary<string, Tensor>();
        foreach (var (name, value) in weights) contiguous[name] = value.detach().cpu().contiguous();
        try
        {
            AtomicFile.WriteStream(Path.Combine(directory, WeightsFile), stream => Safetensors.SaveStateDict(stream, contiguous));
        }
        finally
        {
            foreach (var value in contiguous.Values) value.Dispose();
        }
        var document = new JsonObject { ["kind"] = kind, ["format_version"] = formatVersion };
        foreach (var (key, value) in config) document[key] = value?.DeepClone();
        AtomicFile.WriteText(Path.Combine(directory, ConfigFile), document.ToJsonString(Indented));
    }

    /// <summary>Reads config.json from <paramref name="directory"/> and checks that it holds a <paramref name="kind"/> model of <paramref name="formatVersion"/>.</summary>
    public static JsonObject ReadConfig(string directory, string kind, int formatVersion)
    {
        if (!Directory.Exists(directory)) throw new LatentException($"{directory}: model folder not found");
        var path = Path.Combine(directory, ConfigFile);
        if (!File.Exists(path)) throw new LatentException($"{directory}: not a saved model (no {ConfigFile})");
        JsonObject config;
        try
        {
            config = JsonNode.Parse(File.ReadAllText(path)) as JsonObject ?? throw new LatentException($"{path}: not a JSON object");
        }
        catch (JsonException e)
        {
            throw new LatentException($"{path}: not valid JSON ({e.Message.Split('\n')[0]})", e);
        }
        var foundKind = ReadString(config, "kind", path);
        if (foundKind != kind) throw new LatentException($"{directory}: holds a '{foundKind}' model, not a '{kind}' model");
        var version = Read<int>(config, "format_version", path);
        if (version != formatVersion)
            throw new LatentException($"{directory}: model format version {version}; this version of Latent reads version {formatVersion}");
        return config;
    }

    /// <summary>Reads the weights of <paramref name="directory"/>; a missing or unreadable file is a one-line error.</summary>
    public static Dictionary<string, Tensor> ReadWeights(string directory)
    {
        var path = Path.Combine(directory, WeightsFile);
        if (!File.Exists(path)) throw new LatentException($"{directory}: no {WeightsFile}");
        try
        {
            return Safetensors.LoadStateDict(path);
        }
        catch (Exception e) when (e is not LatentException and not OutOfMemoryException)
        {
            throw new LatentException($"{path}: not a readable safetensors file ({e.Message.Split('\n')[0]})", e);
        }
    }

    /// <summary>
    /// Copies the saved weights of <paramref name="directory"/> into <paramref name="module"/>'s parameters and buffers, checking
    /// that the names, shapes and dtypes match exactly.
    /// </summary>
    public static void LoadInto(string directory, nn.Module module)
    {
        var weights = ReadWeights(directory);
        try
        {
            CopyInto(weights, module.state_dict(), directory);
        }
        finally
        {
            foreach (var value in weights.Values) value.Dispose();
        }
    }

    /// <summary>Copies <paramref name="saved"/> into <paramref name="target"/> entry by entry after checking names, shapes and dtypes.</summary>
    public static void CopyInto(IReadOnlyDictionary<string, Tensor> saved, IDictionary<string, Tensor> target, string source)
    {
        var missing = target.Keys.Where(name => !saved.ContainsKey(name)).ToList();
        if (missing.Count > 0) throw new LatentException($"{source}: the saved weights lack {string.Join(", ", missing.Take(3))}{(missing.Count > 3 ? ", …" : "")}");
        var extra = saved.Keys.Where(name => !target.ContainsKey(name)).ToList();
        if (extra.Count > 0) throw new LatentException($"{source}: unexpected saved weights {string.Join(", ", extra.Take(3))}{(extra.Count > 3 ? ", …" : "")}");
        foreach (var (name, destination) in target)
        {
            var value = saved[name];
            if (!value.shape.SequenceEqual(destination.shape))
                throw new LatentException($"{source}: weight '{name}' has shape [{string.Join(", ", value.shape)}], the model expects [{string.Join(", ", destination.shape)}]");
            if (value.dtype != destination.dtype)
                throw new LatentException($"{source}: weight '{name}' is {value.dtype}, the model expects {destination.dtype}");
        }
        using var noGrad = no_grad();
        foreach (var (name, destination) in target) destination.copy_(saved[name]);
    }

    /// <summary>A required string field of a config, or a one-line error naming the file.</summary>
    public static string ReadString(JsonObject config, string name, string source) => Read<string>(config, name, source);

    /// <summary>A required field of a config converted to <typeparamref name="T"/>, or a one-line error naming the file.</summary>
    public static T Read<T>(JsonObject config, string name, string source)
    {
        if (config[name] is not { } node) throw new LatentException($"{source}: missing field '{name}'");
        try
        {
            return node.Deserialize<T>() ?? throw new LatentException($"{source}: field '{name}' is null");
        }
        catch (Exception e) when (e is JsonException or InvalidOperationException or FormatException)
        {
            throw new LatentException($"{source}: field '{name}' is not a valid {typeof(T).Name}", e);
        }
    }
}
