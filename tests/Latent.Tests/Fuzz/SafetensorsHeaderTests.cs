using System.Buffers.Binary;
using System.Text;
using Latent.IO;
using static TorchSharp.torch;

namespace Latent.Tests.Fuzz;

/// <summary>
/// <see cref="ModelFolder.ReadWeights"/> on safetensors files written here byte by byte from the format's description
/// (8-byte little-endian header length, JSON header, data): good files load exactly; a header that lies is refused before any allocation.
/// </summary>
public sealed class SafetensorsHeaderTests : TorchTest, IDisposable
{
    private readonly string dir = Directory.CreateTempSubdirectory("latent-safetensors-").FullName;

    public void Dispose() => Directory.Delete(dir, true);

    private void Write(string header, byte[] data)
    {
        var text = Encoding.UTF8.GetBytes(header);
        var bytes = new byte[8 + text.Length + data.Length];
        BinaryPrimitives.WriteUInt64LittleEndian(bytes, (ulong)text.Length);
        text.CopyTo(bytes, 8);
        data.CopyTo(bytes, 8 + text.Length);
        File.WriteAllBytes(Path.Combine(dir, ModelFolder.WeightsFile), bytes);
    }

    [Fact]
    public void AHandWrittenFileLoadsWithItsDtypesShapesAndValues()
    {
        var data = new byte[8 + 8 * 2];
        BinaryPrimitives.WriteSingleLittleEndian(data, 1.5f);
        BinaryPrimitives.WriteSingleLittleEndian(data.AsSpan(4), -2f);
        BinaryPrimitives.WriteInt64LittleEndian(data.AsSpan(8), 7);
        BinaryPrimitives.WriteInt64LittleEndian(data.AsSpan(16), -3);
        Write("{\"__metadata__\":{\"format\":\"pt\"},\"a\":{\"dtype\":\"F32\",\"shape\":[2,1],\"data_offsets\":[0,8]},\"b\":{\"dtype\":\"I64\",\"shape\":[2],\"data_offsets\":[8,24]}}", data);
        var weights = ModelFolder.ReadWeights(dir);
        Assert.Equal(new[] { "a", "b" }, weights.Keys.Order());
        Assert.Equal(new long[] { 2, 1 }, weights["a"].shape);
        Assert.Equal(ScalarType.Float32, weights["a"].dtype);
        Assert.Equal(new[] { 1.5f, -2f }, weights["a"].data<float>().ToArray());
        Assert.Equal(new long[] { 7, -3 }, weights["b"].data<long>().ToArray());
        Assert.Equal(new long[] { 2, 1 }, ModelFolder.ReadWeightShapes(dir)["a"]);
    }

    [Theory]
    [InlineData("{\"w\":{\"dtype\":\"F32\",\"shape\":[1099511627776],\"data_offsets\":[0,16]}}", "tensor 'w' of shape [1099511627776] is larger than the file")]
    [InlineData("{\"w\":{\"dtype\":\"F32\",\"shape\":[-4],\"data_offsets\":[0,16]}}", "tensor 'w' has a negative dimension in shape [-4]")]
    [InlineData("{\"w\":{\"dtype\":\"F32\",\"shape\":[8],\"data_offsets\":[0,16]}}", "tensor 'w' of shape [8] needs 32 bytes but its offsets span 16")]
    [InlineData("{\"w\":{\"dtype\":\"F32\",\"shape\":[4],\"data_offsets\":[8,24]}}", "tensor 'w' has data offsets [8, 24] outside the 16 data bytes")]
    [InlineData("{\"w\":{\"dtype\":\"Q4\",\"shape\":[4],\"data_offsets\":[0,16]}}", "tensor 'w' has no known dtype (expected one of F64, F32, F16, BF16, I64, I32, I16, I8, U8, BOOL)")]
    [InlineData("[1, 2]", "header is not a JSON object")]
    public void AHeaderThatLiesIsRefusedInOneLineNamingTheFile(string header, string problem)
    {
        Write(header, new byte[16]);
        var e = Assert.Throws<LatentException>(() => ModelFolder.ReadWeights(dir));
        Assert.Equal($"{Path.Combine(dir, ModelFolder.WeightsFile)}: not a readable safetensors file ({problem})", e.Message);
    }

    [Fact]
    public void AHeaderLengthBeyondTheFileIsRefused()
    {
        var bytes = new byte[16];
        BinaryPrimitives.WriteUInt64LittleEndian(bytes, ulong.MaxValue);
        File.WriteAllBytes(Path.Combine(dir, ModelFolder.WeightsFile), bytes);
        Assert.EndsWith($"(header claims {ulong.MaxValue} bytes but the file holds 16)", Assert.Throws<LatentException>(() => ModelFolder.ReadWeights(dir)).Message);
    }
}
