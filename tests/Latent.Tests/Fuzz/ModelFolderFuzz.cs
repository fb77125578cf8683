using System.Buffers.Binary;
using System.Text;
using System.Text.Json.Nodes;
using Latent.IO;

namespace Latent.Tests.Fuzz;

/// <summary>
/// Fuzzes any saved-model folder: given an action that saves a valid tiny model into a folder and one that loads a folder,
/// it damages copies of the saved folder (missing files; config.json fields removed or given wrong types, negative, huge or
/// non-finite values; safetensors headers with wrong dtypes, shapes and offsets; random byte mutations of every file) and
/// feeds each to the loader. A new model family needs only its two actions.
/// </summary>
public static class ModelFolderFuzz
{
    private static readonly JsonNode?[] BadValues = { null, "text", -1, 0, 2147483647, 1e12, 1.5, new JsonArray(), new JsonObject(), "NaN", true };

    /// <summary>Saves a seed folder with <paramref name="save"/> under <paramref name="workDirectory"/> and runs the cases through <paramref name="load"/>.</summary>
    public static void Run(FuzzRun run, string workDirectory, Action<string> save, Action<string> load, int seed = 1)
    {
        var valid = Path.Combine(workDirectory, "seed-model");
        save(valid);
        var files = Directory.GetFiles(valid).Select(Path.GetFileName).Order(StringComparer.Ordinal).ToArray();
        var random = new Random(seed);
        var mutator = new Mutator(seed);
        int i = 0;
        void Case(string name, string file, Func<byte[], byte[]?> damage)
        {
            var copy = Directory.CreateDirectory(Path.Combine(workDirectory, $"model{i++}")).FullName;
            foreach (var f in files) File.Copy(Path.Combine(valid, f!), Path.Combine(copy, f!));
            var target = Path.Combine(copy, file);
            var bytes = damage(File.ReadAllBytes(target));
            if (bytes is null) File.Delete(target);
            else File.WriteAllBytes(target, bytes);
            run.Case($"{file}: {name}", () => load(copy), copy);
        }

        Case("unchanged", ModelFolder.ConfigFile, bytes => bytes);
        foreach (var file in files) Case("deleted", file!, _ => null);

        var config = JsonNode.Parse(File.ReadAllText(Path.Combine(valid, ModelFolder.ConfigFile)))!.AsObject();
        foreach (var field in config.Select(p => p.Key).ToArray())
            Case($"field '{field}' removed", ModelFolder.ConfigFile, _ => Json(Edit(config, c => c.Remove(field))));
        var leaves = Leaves(config).ToArray();
        for (int k = 0; k < 30; k++)
        {
            var path = leaves[random.Next(leaves.Length)];
            var value = BadValues[random.Next(BadValues.Length)];
            Case($"{path} = {value?.ToJsonString() ?? "null"}", ModelFolder.ConfigFile, _ => Json(Edit(config, c => Set(c, path, value?.DeepClone()))));
        }
        Case("a JSON array", ModelFolder.ConfigFile, _ => Encoding.UTF8.GetBytes("[]"));
        Case("nested 1,000 deep", ModelFolder.ConfigFile, _ => Encoding.UTF8.GetBytes(new string('[', 1000) + new string(']', 1000)));
        foreach (var (name, bytes) in mutator.Mutate(File.ReadAllBytes(Path.Combine(valid, ModelFolder.ConfigFile)), 8))
            Case(name, ModelFolder.ConfigFile, _ => bytes);

        var weights = File.ReadAllBytes(Path.Combine(valid, ModelFolder.WeightsFile));
        int headerLength = (int)BinaryPrimitives.ReadUInt64LittleEndian(weights);
        var header = JsonNode.Parse(Encoding.UTF8.GetString(weights, 8, headerLength))!.AsObject();
        var tensors = header.Select(p => p.Key).ToArray();
        byte[] WithHeader(Action<JsonObject> edit)
        {
            var text = Encoding.UTF8.GetBytes(Edit(header, edit).ToJsonString());
            var result = new byte[8 + text.Length + weights.Length - 8 - headerLength];
            BinaryPrimitives.WriteUInt64LittleEndian(result, (ulong)text.Length);
            text.CopyTo(result, 8);
            weights.AsSpan(8 + headerLength).CopyTo(result.AsSpan(8 + text.Length));
            return result;
        }
        string Tensor() => tensors[random.Next(tensors.Length)];
        foreach (var dtype in new[] { "F16", "F64", "I64", "BOOL", "U8", "X9", "" })
        {
            var name = Tensor();
            Case($"tensor '{name}' dtype {dtype}", ModelFolder.WeightsFile, _ => WithHeader(h => h[name]!["dtype"] = dtype));
        }
        foreach (var shape in new[] { "[-1]", "[9223372036854775807]", "[4294967296, 4294967296]", "[]", "[0]", "[1.5]", "[\"2\"]", "5" })
        {
            var name = Tensor();
            Case($"tensor '{name}' shape {shape}", ModelFolder.WeightsFile, _ => WithHeader(h => h[name]!["shape"] = JsonNode.Parse(shape)));
        }
        foreach (var offsets in new[] { "[0, 9223372036854775807]", "[-8, 0]", "[16, 0]", "[0]", "[0, 1, 2]", "null" })
        {
            var name = Tensor();
            Case($"tensor '{name}' offsets {offsets}", ModelFolder.WeightsFile, _ => WithHeader(h => h[name]!["data_offsets"] = JsonNode.Parse(offsets)));
        }
        Case("header lists no tensors", ModelFolder.WeightsFile, _ => WithHeader(h => h.Clear()));
        Case("header with metadata", ModelFolder.WeightsFile, _ => WithHeader(h => h["__metadata__"] = new JsonObject { ["format"] = "pt" }));
        Case("header length 2^63", ModelFolder.WeightsFile, bytes => WithLength(bytes, 1UL << 63));
        Case("header length larger than the file", ModelFolder.WeightsFile, bytes => WithLength(bytes, (ulong)bytes.Length));
        Case("header not JSON", ModelFolder.WeightsFile, bytes => { var copy = (byte[])bytes.Clone(); copy[8] = (byte)'x'; return copy; });
        foreach (var (name, bytes) in mutator.Mutate(weights, 12)) Case(name, ModelFolder.WeightsFile, _ => bytes);

        foreach (var file in files.Where(f => f != ModelFolder.ConfigFile && f != ModelFolder.WeightsFile))
            foreach (var (name, bytes) in mutator.Mutate(File.ReadAllBytes(Path.Combine(valid, file!)), 6)) Case(name, file!, _ => bytes);
    }

    private static byte[] WithLength(byte[] bytes, ulong length)
    {
        var copy = (byte[])bytes.Clone();
        BinaryPrimitives.WriteUInt64LittleEndian(copy, length);
        return copy;
    }

    private static byte[] Json(JsonNode node) => Encoding.UTF8.GetBytes(node.ToJsonString());

    private static JsonObject Edit(JsonObject original, Action<JsonObject> edit)
    {
        var copy = original.DeepClone().AsObject();
        edit(copy);
        return copy;
    }

    /// <summary>The paths ("a.b.0") of every scalar in <paramref name="node"/>.</summary>
    private static IEnumerable<string> Leaves(JsonNode? node, string prefix = "")
    {
        switch (node)
        {
            case JsonObject o:
                foreach (var (key, value) in o) foreach (var leaf in Leaves(value, prefix.Length == 0 ? key : $"{prefix}.{key}")) yield return leaf;
                break;
            case JsonArray a:
                for (int k = 0; k < a.Count; k++) foreach (var leaf in Leaves(a[k], $"{prefix}.{k}")) yield return leaf;
                break;
            default:
                yield return prefix;
                break;
        }
    }

    private static void Set(JsonObject root, string path, JsonNode? value)
    {
        var parts = path.Split('.');
        JsonNode node = root;
        foreach (var part in parts[..^1]) node = node is JsonArray a ? a[int.Parse(part)]! : node[part]!;
        if (node is JsonArray array) array[int.Parse(parts[^1])] = value;
        else node[parts[^1]] = value;
    }
}
