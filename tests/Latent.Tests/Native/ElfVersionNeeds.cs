using System.Buffers.Binary;
using System.Text;

namespace Latent.Tests.Native;

/// <summary>A reader of ELF64 version-needed records, written for the tests independently of the build's patch task.</summary>
internal static class ElfVersionNeeds
{
    /// <summary>Whether the version requirement named <paramref name="version"/> carries VER_FLG_WEAK; fails if absent.</summary>
    public static bool IsWeak(string path, string version)
    {
        byte[] elf = File.ReadAllBytes(path);
        ulong shoff = BinaryPrimitives.ReadUInt64LittleEndian(elf.AsSpan(0x28));
        ushort shentsize = BinaryPrimitives.ReadUInt16LittleEndian(elf.AsSpan(0x3A));
        ushort shnum = BinaryPrimitives.ReadUInt16LittleEndian(elf.AsSpan(0x3C));
        ReadOnlySpan<byte> Section(int index) => elf.AsSpan((int)shoff + index * shentsize, shentsize);
        for (int i = 0; i < shnum; i++)
        {
            var header = Section(i);
            if (BinaryPrimitives.ReadUInt32LittleEndian(header[4..]) != 0x6ffffffe) continue;
            int offset = (int)BinaryPrimitives.ReadUInt64LittleEndian(header[24..]);
            int strings = (int)BinaryPrimitives.ReadUInt64LittleEndian(Section((int)BinaryPrimitives.ReadUInt32LittleEndian(header[40..]))[24..]);
            int count = (int)BinaryPrimitives.ReadUInt32LittleEndian(header[44..]);
            for (int n = 0, need = offset; n < count; n++, need += (int)BinaryPrimitives.ReadUInt32LittleEndian(elf.AsSpan(need + 12)))
            {
                int aux = need + (int)BinaryPrimitives.ReadUInt32LittleEndian(elf.AsSpan(need + 8));
                for (int a = 0; a < BinaryPrimitives.ReadUInt16LittleEndian(elf.AsSpan(need + 2)); a++, aux += (int)BinaryPrimitives.ReadUInt32LittleEndian(elf.AsSpan(aux + 12)))
                {
                    var nameStart = elf.AsSpan(strings + (int)BinaryPrimitives.ReadUInt32LittleEndian(elf.AsSpan(aux + 8)));
                    if (Encoding.ASCII.GetString(nameStart[..nameStart.IndexOf((byte)0)]) == version)
                        return (BinaryPrimitives.ReadUInt16LittleEndian(elf.AsSpan(aux + 4)) & 0x2) != 0;
                }
            }
        }
        throw new InvalidOperationException($"{path} has no version requirement {version}");
    }
}
