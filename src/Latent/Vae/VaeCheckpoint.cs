using System.Text.Json;
using Latent.IO;
using TorchSharp;

namespace Latent.Vae;

/// <summary>
/// Saves and loads a trained VAE as one file: a header line with the <see cref="VaeArchitecture"/> as JSON,
/// then the TorchSharp state dict. Writes are atomic (temporary file, then rename).
/// </summary>
public static class VaeCheckpoint
{
    private const string Magic = "latent-vae/1";

    /// <summary>Writes the architecture and weights of <paramref name="model"/> to <paramref name="path"/>.</summary>
    public static void Save(string path, VaeArchitecture architecture, VariationalAutoencoder model) =>
        AtomicFile.WriteStream(path, stream =>
        {
            using var writer = new BinaryWriter(stream, System.Text.Encoding.UTF8, leaveOpen: true);
            writer.Write(Magic);
            writer.Write(JsonSerializer.Serialize(architecture));
            model.save(writer);
        });

    /// <summary>Rebuilds the model stored in <paramref name="path"/> on <paramref name="device"/>; throws a one-line error for a missing or corrupt file.</summary>
    public static (VaeArchitecture Architecture, VariationalAutoencoder Model) Load(string path, torch.Device? device = null)
    {
        if (!File.Exists(path)) throw new LatentException($"{path}: model file not found");
        try
        {
            using var stream = File.OpenRead(path);
            using var reader = new BinaryReader(stream);
            if (reader.ReadString() != Magic) throw new LatentException($"{path}: not a Latent VAE model file");
            var architecture = JsonSerializer.Deserialize<VaeArchitecture>(reader.ReadString())
                ?? throw new LatentException($"{path}: empty architecture header");
            var model = architecture.Create(device);
            model.load(reader);
            model.eval();
            return (architecture, model);
        }
        catch (Exception e) when (e is EndOfStreamException or IOException or JsonException or ArgumentException or InvalidOperationException or FormatException)
        {
            throw new LatentException($"{path}: corrupt VAE model file ({e.Message.ReplaceLineEndings(" ")})", e);
        }
    }
}
