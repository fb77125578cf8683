using System.Text;
using TorchSharp.Modules;

namespace Latent.Training;

/// <summary>
/// A training checkpoint: model and optimizer state, the learning curve, the progress counters, the global
/// random state, any parameter average, any early-stopping state and any generators (plus a caller's own extra state), in one file written atomically, tagged with the model's signature so a checkpoint of a
/// different model is refused.
/// </summary>
public static class Checkpoint
{
    private const string Magic = "LATENT-CHECKPOINT-4";

    /// <summary>The header of checkpoints written before early stopping kept its state in them.</summary>
    private const string OlderMagic = "LATENT-CHECKPOINT-3";

    /// <summary>Where a run stood when its checkpoint was written.</summary>
    public sealed record State(int EpochsCompleted, long Step, LearningCurve Curve);

    /// <summary>The model's identity for checkpoints: its type and every state-dict entry's name and shape.</summary>
    public static string Signature(nn.Module model)
    {
        var text = new StringBuilder(model.GetType().FullName);
        foreach (var (name, tensor) in model.state_dict())
            text.Append(';').Append(name).Append('[').AppendJoin(',', tensor.shape).Append(']');
        return text.ToString();
    }

    /// <summary>
    /// Writes a checkpoint atomically (temporary file, then rename): with the states of <paramref name="generators"/> and whatever
    /// <paramref name="extra"/> writes last, and the counters and best weights of <paramref name="stopping"/>.
    /// </summary>
    public static void Save(string path, nn.Module model, OptimizerHelper optimizer, State state, ParameterAverage? average = null,
        IReadOnlyList<Generator>? generators = null, Action<BinaryWriter>? extra = null, EarlyStopping? stopping = null) =>
        AtomicFile.WriteStream(path, stream =>
        {
            using var writer = new BinaryWriter(stream, Encoding.UTF8, leaveOpen: true);
            writer.Write(Magic);
            writer.Write(Signature(model));
            writer.Write(state.EpochsCompleted);
            writer.Write(state.Step);
            state.Curve.Write(writer);
            using var rng = get_rng_state();
            var rngBytes = rng.data<byte>().ToArray();
            writer.Write(rngBytes.Length);
            writer.Write(rngBytes);
            model.save(writer);
            optimizer.save_state_dict(writer);
            writer.Write(average is not null);
            average?.Save(writer);
            writer.Write(stopping is not null);
            stopping?.Save(writer);
            writer.Write(generators?.Count ?? 0);
            foreach (var generator in generators ?? [])
            {
                using var generatorState = generator.get_state();
                var generatorBytes = generatorState.data<byte>().ToArray();
                writer.Write(generatorBytes.Length);
                writer.Write(generatorBytes);
            }
            extra?.Invoke(writer);
        });

    /// <summary>
    /// Restores model, optimizer, random state and <paramref name="generators"/> from <paramref name="path"/>, lets <paramref name="extra"/>
    /// read what its counterpart in <see cref="Save"/> wrote, restores <paramref name="stopping"/>'s counters and best weights, and returns where the run stood.
    /// </summary>
    public static State Load(string path, nn.Module model, OptimizerHelper optimizer, ParameterAverage? average = null,
        IReadOnlyList<Generator>? generators = null, Action<BinaryReader>? extra = null, EarlyStopping? stopping = null)
    {
        if (!File.Exists(path)) throw new LatentException($"{path}: no checkpoint to resume from");
        using var stream = File.OpenRead(path);
        using var reader = new BinaryReader(stream, Encoding.UTF8);
        string magic;
        try
        {
            magic = reader.ReadString();
        }
        catch (Exception e) when (e is EndOfStreamException or IOException or FormatException)
        {
            throw new LatentException($"{path}: not a Latent checkpoint (unreadable header)", e);
        }
        if (magic == OlderMagic) throw new LatentException($"{path}: checkpoint was written by an older version of Latent and cannot be resumed; start the run again without --resume");
        if (magic != Magic) throw new LatentException($"{path}: not a Latent checkpoint");
        try
        {
            var saved = reader.ReadString();
            var expected = Signature(model);
            if (saved != expected)
                throw new LatentException($"{path}: checkpoint is of a different model ({Describe(saved)}) than the one being trained ({Describe(expected)})");
            int epochs = reader.ReadInt32();
            long step = reader.ReadInt64();
            var curve = LearningCurve.Read(reader);
            int rngLength = reader.ReadInt32();
            using (var current = get_rng_state())
            {
                if (rngLength != current.numel())
                    throw new LatentException($"{path}: checkpoint is corrupt (random state of {rngLength} bytes, expected {current.numel()})");
            }
            using (var rng = tensor(reader.ReadBytes(rngLength)))
            {
                if (rng.numel() != rngLength) throw new EndOfStreamException();
                set_rng_state(rng);
            }
            model.load(reader);
            optimizer.load_state_dict(reader);
            var averaged = reader.ReadBoolean();
            if (averaged != (average is not null))
                throw new LatentException($"{path}: checkpoint was written {(averaged ? "with" : "without")} a parameter average, but this run trains {(averaged ? "without" : "with")} one");
            average?.Load(reader);
            var stopped = reader.ReadBoolean();
            if (stopped != (stopping is not null))
                throw new LatentException($"{path}: checkpoint was written {(stopped ? "with" : "without")} early stopping, but this run trains {(stopped ? "without" : "with")} it");
            stopping?.Load(reader, model);
            int generatorCount = reader.ReadInt32();
            if (generatorCount != (generators?.Count ?? 0))
                throw new LatentException($"{path}: checkpoint holds {generatorCount} random generators, this run has {generators?.Count ?? 0}");
            foreach (var generator in generators ?? [])
            {
                using var current = generator.get_state();
                int length = reader.ReadInt32();
                if (length != current.numel()) throw new LatentException($"{path}: checkpoint is corrupt (generator state of {length} bytes, expected {current.numel()})");
                using var restored = tensor(reader.ReadBytes(length));
                if (restored.numel() != length) throw new EndOfStreamException();
                generator.set_state(restored);
            }
            if (extra is not null) LatentException.Naming(path, () => { extra(reader); return 0; });
            if (stream.Position != stream.Length) throw new LatentException($"{path}: checkpoint is corrupt ({stream.Length - stream.Position} unexpected bytes at the end)");
            return new State(epochs, step, curve);
        }
        catch (EndOfStreamException e)
        {
            throw new LatentException($"{path}: checkpoint is truncated", e);
        }
        catch (Exception e) when (e is not LatentException and not OutOfMemoryException)
        {
            throw new LatentException($"{path}: checkpoint is corrupt ({e.Message.ReplaceLineEndings(" ")})", e);
        }
    }

    private static string Describe(string signature)
    {
        var parts = signature.Split(';');
        return $"{parts[0]} with {parts.Length - 1} tensors";
    }
}
