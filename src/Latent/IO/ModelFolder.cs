using TorchSharp.PyBridge;

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

    /// <summary>
    /// Loads a model folder onto <paramref name="device"/> through the family's <paramref name="read"/>(directory, device): the device is
    /// checked first (a device problem is not the folder's), then any error that does not name the folder gets it in front.
    /// </summary>
    public static T Load<T>(string directory, string device, Func<string, string, T> read)
    {
        ComputeDevice.Resolve(device);
        return LatentException.Naming(directory, () => read(directory, device));
    }

    /// <summary>The weights file's name.</summary>
    public const string WeightsFile = "model.safetensors";

    private static readonly JsonSerializerOptions Indented = new() { WriteIndented = true };

    /// <summary>
    /// Writes <paramref name="config"/> as config.json and <paramref name="weights"/> as model.safetensors into <paramref name="directory"/>;
    /// each file is written atomically and config.json last, so a folder with a config is complete. Returns both paths.
    /// </summary>
    public static IReadOnlyList<string> Save(string directory, ModelConfig config, IReadOnlyDictionary<string, Tensor> weights)
    {
        var contiguous = new Dictionary<string, Tensor>();
        foreach (var (name, value) in weights) contiguous[name] = value.detach().cpu().contiguous();
        try
        {
            return Save(directory, config, stream => Safetensors.SaveStateDict(stream, contiguous));
        }
        finally
        {
            foreach (var value in contiguous.Values) value.Dispose();
        }
    }

    /// <summary>
    /// <see cref="Save(string, ModelConfig, IReadOnlyDictionary{string, Tensor})"/> for float32 weights held in managed arrays (row-major,
    /// with their shapes): the same files, written without starting libtorch, so that a model trained outside it saves without its start-up cost.
    /// </summary>
    public static IReadOnlyList<string> Save(string directory, ModelConfig config, IReadOnlyDictionary<string, (float[] Values, long[] Shape)> weights) =>
        Save(directory, config, stream => WriteFloat32Safetensors(stream, weights));

    private static IReadOnlyList<string> Save(string directory, ModelConfig config, Action<Stream> writeWeights)
    {
        if (File.Exists(directory)) throw new LatentException($"{directory}: is a file, not a folder");
        Directory.CreateDirectory(directory);
        var weightsPath = Path.Combine(directory, WeightsFile);
        AtomicFile.WriteStream(weightsPath, writeWeights);
        var configPath = Path.Combine(directory, ConfigFile);
        AtomicFile.WriteText(configPath, config.ToJson().ToJsonString(Indented));
        return [configPath, weightsPath];
    }

    /// <summary>
    /// The safetensors layout: the header's length (little-endian u64), the JSON header (name → dtype "F32", shape, data_offsets),
    /// padded with spaces to a multiple of 8 bytes, then each tensor's little-endian bytes in header order.
    /// </summary>
    private static void WriteFloat32Safetensors(Stream stream, IReadOnlyDictionary<string, (float[] Values, long[] Shape)> weights)
    {
        if (!BitConverter.IsLittleEndian) throw new LatentException("writing safetensors from managed arrays needs a little-endian machine");
        var header = new JsonObject();
        long offset = 0;
        foreach (var (name, (values, shape)) in weights)
        {
            if (shape.Aggregate(1L, (product, size) => product * size) != values.LongLength)
                throw new LatentException($"weight '{name}' has {values.LongLength} values, its shape [{string.Join(", ", shape)}] needs {shape.Aggregate(1L, (p, n) => p * n)}");
            long bytes = values.LongLength * sizeof(float);
            header[name] = new JsonObject { ["dtype"] = "F32", ["shape"] = new JsonArray(shape.Select(n => (JsonNode)n).ToArray()), ["data_offsets"] = new JsonArray(offset, offset + bytes) };
            offset += bytes;
        }
        var json = System.Text.Encoding.UTF8.GetBytes(header.ToJsonString());
        int padded = (json.Length + 7) / 8 * 8;
        var prefix = new byte[8 + padded];
        System.Buffers.Binary.BinaryPrimitives.WriteUInt64LittleEndian(prefix, (ulong)padded);
        json.CopyTo(prefix, 8);
        prefix.AsSpan(8 + json.Length).Fill((byte)' ');
        stream.Write(prefix);
        foreach (var (values, _) in weights.Values) stream.Write(System.Runtime.InteropServices.MemoryMarshal.AsBytes(values.AsSpan()));
    }

    /// <summary>
    /// Reads config.json from <paramref name="directory"/> and checks that it holds a <paramref name="kind"/> model of
    /// <paramref name="formatVersion"/> (a version-1 folder is converted to the current layout); anything else is one line naming the folder.
    /// </summary>
    public static ModelConfig ReadConfig(string directory, string kind, int formatVersion) =>
        ModelConfig.FromJson(ReadDocument(directory), kind, formatVersion, Path.Combine(directory, ConfigFile));

    /// <summary>The "kind" of the model saved in <paramref name="directory"/>, read from its config.json.</summary>
    public static string ReadKind(string directory) => ReadString(ReadDocument(directory), "kind", Path.Combine(directory, ConfigFile));

    /// <summary>config.json of <paramref name="directory"/> as a JSON object, or a one-line error naming the folder or file.</summary>
    private static JsonObject ReadDocument(string directory)
    {
        if (!Directory.Exists(directory)) throw new LatentException($"{directory}: model folder not found");
        var path = Path.Combine(directory, ConfigFile);
        if (!File.Exists(path)) throw new LatentException($"{directory}: not a saved model (no {ConfigFile})");
        try
        {
            return JsonNode.Parse(File.ReadAllText(path)) as JsonObject ?? throw new LatentException($"{path}: not a JSON object");
        }
        catch (JsonException e)
        {
            throw new LatentException($"{path}: not valid JSON ({e.Message.Split('\n')[0]})", e);
        }
    }

    /// <summary>
    /// Reads the weights of <paramref name="directory"/>. The safetensors header is parsed and checked (JSON object, known dtype
    /// names, non-negative shapes, data offsets inside the file, byte counts equal to shape × dtype size) before any tensor is
    /// allocated, so a damaged file is a one-line error naming it and never a huge allocation.
    /// </summary>
    public static Dictionary<string, Tensor> ReadWeights(string directory)
    {
        var path = Path.Combine(directory, WeightsFile);
        if (!File.Exists(path)) throw new LatentException($"{directory}: no {WeightsFile}");
        return ReadSafetensors(path);
    }

    /// <summary>
    /// Reads weights exported from PyTorch (or any other writer) into a name → tensor dictionary: a safetensors file
    /// (<c>safetensors.torch.save_file(model.state_dict(), path)</c>; its header checked as <see cref="ReadWeights"/> does) or a
    /// state_dict saved by <c>torch.save(model.state_dict(), path)</c> (a zip archive, read by TorchSharp.PyBridge). The format is
    /// told by the file's first bytes, not its name. Names, shapes and dtypes are left to <see cref="CopyInto"/> to check.
    /// </summary>
    public static Dictionary<string, Tensor> ReadExportedWeights(string path)
    {
        if (Directory.Exists(path)) throw new LatentException($"{path}: is a folder; give the weights file (.safetensors or a torch.save .pt)");
        if (!File.Exists(path)) throw new LatentException($"{path}: weights file not found");
        var signature = new byte[4];
        try
        {
            using (var stream = File.OpenRead(path)) stream.ReadAtLeast(signature, 4, throwOnEndOfStream: false);
        }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException)
        {
            throw new LatentException($"{path}: cannot read ({e.Message.ReplaceLineEndings(" ")})", e);
        }
        return signature is [0x50, 0x4B, 0x03, 0x04] ? ReadPickledStateDict(path) : ReadSafetensors(path);
    }

    /// <summary>
    /// Copies weights exported from PyTorch (see <see cref="ReadExportedWeights"/>) into <paramref name="module"/>, after checking that
    /// the names, shapes and dtypes match its state_dict exactly (PyBridge's own load_py checks names only); a mismatch is one line.
    /// </summary>
    public static void ImportInto(string path, nn.Module module)
    {
        CopyAndRelease(ReadExportedWeights(path), module, path);
    }

    /// <summary>A torch.save'd state_dict read by TorchSharp.PyBridge; anything it cannot read is one line naming the file.</summary>
    private static Dictionary<string, Tensor> ReadPickledStateDict(string path)
    {
        System.Collections.Hashtable table;
        try
        {
            using var stream = File.OpenRead(path);
            table = PyTorchUnpickler.UnpickleStateDict(stream);
        }
        catch (Exception e) when (e is not OutOfMemoryException)
        {
            throw new LatentException($"{path}: not a readable PyTorch state_dict ({e.Message.ReplaceLineEndings(" ")}); save it with torch.save(model.state_dict(), path)", e);
        }
        var weights = new Dictionary<string, Tensor>(StringComparer.Ordinal);
        foreach (System.Collections.DictionaryEntry entry in table)
        {
            if (entry.Key is string name && entry.Value is Tensor value) weights[name] = value;
            else if (entry.Value is IDisposable disposable) disposable.Dispose();
        }
        return weights;
    }

    /// <summary>Reads a safetensors file after checking its header (see <see cref="ReadWeights"/>).</summary>
    private static Dictionary<string, Tensor> ReadSafetensors(string path)
    {
        try
        {
            using var stream = File.OpenRead(path);
            var entries = ReadSafetensorsHeader(stream, path);
            long dataStart = stream.Position;
            var weights = new Dictionary<string, Tensor>();
            try
            {
                foreach (var entry in entries)
                {
                    var bytes = new byte[entry.End - entry.Begin];
                    stream.Position = dataStart + entry.Begin;
                    stream.ReadExactly(bytes);
                    var value = empty(entry.Shape, dtype: entry.Type);
                    weights.Add(entry.Name, value);
                    if (bytes.Length > 0) value.bytes = bytes;
                }
            }
            catch
            {
                foreach (var value in weights.Values) value.Dispose();
                throw;
            }
            return weights;
        }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException)
        {
            throw new LatentException($"{path}: cannot read ({e.Message.ReplaceLineEndings(" ")})", e);
        }
    }

    /// <summary>The names and shapes of the weights in <paramref name="directory"/>'s safetensors file, from its checked header only.</summary>
    public static IReadOnlyDictionary<string, long[]> ReadWeightShapes(string directory)
    {
        var path = Path.Combine(directory, WeightsFile);
        if (!File.Exists(path)) throw new LatentException($"{directory}: no {WeightsFile}");
        try
        {
            using var stream = File.OpenRead(path);
            return ReadSafetensorsHeader(stream, path).ToDictionary(entry => entry.Name, entry => entry.Shape);
        }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException)
        {
            throw new LatentException($"{path}: cannot read ({e.Message.ReplaceLineEndings(" ")})", e);
        }
    }

    private sealed record SafetensorsEntry(string Name, ScalarType Type, long[] Shape, long Begin, long End);

    private static readonly Dictionary<string, (ScalarType Type, int Size)> SafetensorsTypes = new()
    {
        ["F64"] = (ScalarType.Float64, 8), ["F32"] = (ScalarType.Float32, 4), ["F16"] = (ScalarType.Float16, 2), ["BF16"] = (ScalarType.BFloat16, 2),
        ["I64"] = (ScalarType.Int64, 8), ["I32"] = (ScalarType.Int32, 4), ["I16"] = (ScalarType.Int16, 2), ["I8"] = (ScalarType.Int8, 1),
        ["U8"] = (ScalarType.Byte, 1), ["BOOL"] = (ScalarType.Bool, 1),
    };

    /// <summary>Parses and checks the header of a safetensors file, leaving <paramref name="stream"/> at the start of the data.</summary>
    private static List<SafetensorsEntry> ReadSafetensorsHeader(Stream stream, string path)
    {
        LatentException Bad(string problem) => new($"{path}: not a readable safetensors file ({problem})");
        var lengthBytes = new byte[8];
        if (stream.ReadAtLeast(lengthBytes, 8, throwOnEndOfStream: false) < 8) throw Bad($"only {stream.Length} bytes, no header length");
        ulong headerLength = System.Buffers.Binary.BinaryPrimitives.ReadUInt64LittleEndian(lengthBytes);
        if (headerLength > (ulong)(stream.Length - 8) || headerLength > 100_000_000)
            throw Bad($"header claims {headerLength} bytes but the file holds {stream.Length}");
        long dataLength = stream.Length - 8 - (long)headerLength;
        var headerBytes = new byte[headerLength];
        stream.ReadExactly(headerBytes);
        JsonDocument document;
        try
        {
            document = JsonDocument.Parse(headerBytes);
        }
        catch (JsonException e)
        {
            throw Bad($"header is not valid JSON: {e.Message.ReplaceLineEndings(" ")}");
        }
        using (document)
        {
            if (document.RootElement.ValueKind != JsonValueKind.Object) throw Bad("header is not a JSON object");
            var entries = new List<SafetensorsEntry>();
            var names = new HashSet<string>(StringComparer.Ordinal);
            foreach (var property in document.RootElement.EnumerateObject())
            {
                if (!names.Add(property.Name)) throw Bad($"tensor '{property.Name}' is listed twice");
                if (property.Name == "__metadata__") continue;
                entries.Add(ReadEntry(property, dataLength, Bad));
            }
            return entries;
        }
    }

    private static SafetensorsEntry ReadEntry(JsonProperty property, long dataLength, Func<string, LatentException> bad)
    {
        var name = property.Name;
        var value = property.Value;
        if (value.ValueKind != JsonValueKind.Object) throw bad($"entry '{name}' is not an object");
        if (!value.TryGetProperty("dtype", out var dtypeElement) || dtypeElement.ValueKind != JsonValueKind.String
            || !SafetensorsTypes.TryGetValue(dtypeElement.GetString()!, out var type))
            throw bad($"tensor '{name}' has no known dtype (expected one of {string.Join(", ", SafetensorsTypes.Keys)})");
        var shape = Integers(value, "shape", name, bad);
        var offsets = Integers(value, "data_offsets", name, bad);
        if (offsets.Length != 2) throw bad($"tensor '{name}' has {offsets.Length} data offsets, expected 2");
        long count = 1;
        foreach (var dimension in shape)
        {
            if (dimension < 0) throw bad($"tensor '{name}' has a negative dimension in shape [{string.Join(", ", shape)}]");
            count = dimension == 0 || count <= dataLength / dimension ? count * dimension : throw bad($"tensor '{name}' of shape [{string.Join(", ", shape)}] is larger than the file");
        }
        var (begin, end) = (offsets[0], offsets[1]);
        if (begin < 0 || end < begin || end > dataLength)
            throw bad($"tensor '{name}' has data offsets [{begin}, {end}] outside the {dataLength} data bytes");
        if (end - begin != count * type.Size)
            throw bad($"tensor '{name}' of shape [{string.Join(", ", shape)}] needs {count * type.Size} bytes but its offsets span {end - begin}");
        return new SafetensorsEntry(name, type.Type, shape, begin, end);
    }

    private static long[] Integers(JsonElement entry, string field, string name, Func<string, LatentException> bad)
    {
        if (!entry.TryGetProperty(field, out var array) || array.ValueKind != JsonValueKind.Array)
            throw bad($"tensor '{name}' has no '{field}' list");
        return array.EnumerateArray().Select(item => item.ValueKind == JsonValueKind.Number && item.TryGetInt64(out var number)
            ? number : throw bad($"tensor '{name}' has a '{field}' entry that is not an integer")).ToArray();
    }

    /// <summary>
    /// Copies the saved weights of <paramref name="directory"/> into <paramref name="module"/>'s parameters and buffers, checking
    /// that the names, shapes and dtypes match exactly.
    /// </summary>
    public static void LoadInto(string directory, nn.Module module)
    {
        CopyAndRelease(ReadWeights(directory), module, directory);
    }

    /// <summary>Copies <paramref name="weights"/> read from <paramref name="source"/> into <paramref name="module"/> (checked as <see cref="CopyInto"/>), then disposes them.</summary>
    private static void CopyAndRelease(Dictionary<string, Tensor> weights, nn.Module module, string source)
    {
        try
        {
            CopyInto(weights, module.state_dict(), source);
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

    /// <summary>A required field of a config converted to <typeparamref name="T"/> (with <paramref name="json"/> options), or a one-line error naming the file.</summary>
    public static T Read<T>(JsonObject config, string name, string source, JsonSerializerOptions? json = null)
    {
        if (config[name] is not { } node) throw new LatentException($"{source}: missing field '{name}'");
        return Convert<T>(node, name, source, json) ?? throw new LatentException($"{source}: field '{name}' is null");
    }

    /// <summary>An optional field of a config (absent or null gives null) converted to <typeparamref name="T"/>, or a one-line error naming the file.</summary>
    public static T? ReadOptional<T>(JsonObject config, string name, string source, JsonSerializerOptions? json = null) where T : class =>
        config[name] is { } node ? Convert<T>(node, name, source, json) : null;

    /// <summary>
    /// Refuses, in one line, a config that describes a model of more than the weights file's element count (<paramref name="elements"/> is
    /// a lower bound on the parameters the config implies), before anything of that size is allocated.
    /// </summary>
    public static void RequireWeightCount(string directory, double elements)
    {
        long held = ReadWeightShapes(directory).Values.Sum(shape => shape.Aggregate(1L, (a, b) => a * b));
        if (!(elements <= held))
            throw new LatentException($"{Path.Combine(directory, ConfigFile)}: describes a model of at least {elements:0} weights but {WeightsFile} holds {held}");
    }

    private static T? Convert<T>(JsonNode node, string name, string source, JsonSerializerOptions? json)
    {
        try
        {
            return node.Deserialize<T>(json);
        }
        catch (Exception e) when (e is JsonException or InvalidOperationException or FormatException or NotSupportedException)
        {
            throw new LatentException($"{source}: field '{name}' is not a valid {typeof(T).Name} ({e.Message.ReplaceLineEndings(" ")})", e);
        }
    }
}
