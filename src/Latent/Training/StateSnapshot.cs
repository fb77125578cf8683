namespace Latent.Training;

/// <summary>
/// Detached copies of a module's state tensors by name (a best epoch's weights), and their checkpoint layout: the tensor count,
/// then each name and tensor; a count of 0 stands for no copy.
/// </summary>
internal static class StateSnapshot
{
    /// <summary>A detached copy of every tensor in <paramref name="module"/>'s state_dict, outside any dispose scope.</summary>
    public static Dictionary<string, Tensor> Copy(nn.Module module) =>
        module.state_dict().ToDictionary(entry => entry.Key, entry => entry.Value.detach().clone().DetachFromDisposeScope());

    /// <summary>Writes <paramref name="state"/> (null: a count of 0).</summary>
    public static void Write(BinaryWriter writer, IReadOnlyDictionary<string, Tensor>? state)
    {
        writer.Write(state?.Count ?? 0);
        foreach (var (name, tensor) in state ?? new Dictionary<string, Tensor>())
        {
            writer.Write(name);
            tensor.Save(writer);
        }
    }

    /// <summary>Reads what <see cref="Write"/> wrote into fresh copies of <paramref name="module"/>'s state tensors (names and shapes checked); null for a count of 0.</summary>
    public static Dictionary<string, Tensor>? Read(BinaryReader reader, nn.Module module)
    {
        int count = reader.ReadInt32();
        if (count == 0) return null;
        var current = module.state_dict();
        if (count != current.Count) throw new LatentException($"the best epoch's state holds {count} tensors, the model has {current.Count}");
        var state = new Dictionary<string, Tensor>();
        try
        {
            for (int i = 0; i < count; i++)
            {
                var name = reader.ReadString();
                if (!current.TryGetValue(name, out var like) || state.ContainsKey(name)) throw new LatentException($"the best epoch's state names '{name}', which the model does not have");
                var copy = like.detach().clone().DetachFromDisposeScope();
                state[name] = copy;
                copy.Load(reader);
            }
        }
        catch
        {
            Dispose(state);
            throw;
        }
        return state;
    }

    /// <summary>Disposes every tensor of <paramref name="state"/> (null: nothing).</summary>
    public static void Dispose(Dictionary<string, Tensor>? state)
    {
        foreach (var tensor in state?.Values ?? Enumerable.Empty<Tensor>()) tensor.Dispose();
    }
}
