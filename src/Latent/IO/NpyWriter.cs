using System.Buffers.Binary;
using System.Text;

namespace Latent.IO;

/// <summary>Writes float32 tensors as NumPy .npy files (format version 1.0, little-endian '&lt;f4', C order), readable by numpy.load and <see cref="Data.NpyReader"/>.</summary>
public static class NpyWriter
{
    /// <summary>Writes <paramref name="values"/> (any shape, any device) to <paramref name="path"/> as float32, atomically; returns the path.</summary>
    public static string Write(string path, Tensor values)
    {
        using var host = values.detach().to(ScalarType.Float32).cpu().contiguous();
        var shape = host.shape.Length == 1 ? $"({host.shape[0]},)" : $"({string.Join(", ", host.shape)})";
        var dictionary = $"{{'descr': '<f4', 'fortran_order': False, 'shape': {shape}, }}";
        int unpadded = 10 + dictionary.Length + 1;
        var header = Encoding.Latin1.GetBytes(dictionary + new string(' ', (64 - unpadded % 64) % 64) + "\n");
        var data = host.data<float>().ToArray();
        AtomicFile.WriteStream(path, stream =>
        {
            stream.Write([0x93, (byte)'N', (byte)'U', (byte)'M', (byte)'P', (byte)'Y', 1, 0]);
            var length = new byte[2];
            BinaryPrimitives.WriteUInt16LittleEndian(length, checked((ushort)header.Length));
            stream.Write(length);
            stream.Write(header);
            var bytes = new byte[data.Length * sizeof(float)];
            for (int i = 0; i < data.Length; i++) BinaryPrimitives.WriteSingleLittleEndian(bytes.AsSpan(i * sizeof(float)), data[i]);
            stream.Write(bytes);
        });
        return path;
    }
}
