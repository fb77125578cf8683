using System.IO.Compression;

namespace Latent.Data;

/// <summary>Reads NumPy .npz archives (zip files of .npy members, stored or deflated, as np.savez and np.savez_compressed write them).</summary>
public static class NpzReader
{
    /// <summary>The member names (without ".npy") of the archive at <paramref name="path"/>.</summary>
    public static IReadOnlyList<string> MemberNames(string path) => Open(path, archive =>
        (IReadOnlyList<string>)archive.Entries.Select(e => MemberName(e.FullName)).ToArray());

    /// <summary>Reads the members named in <paramref name="names"/> that the archive holds (others are not read at all).</summary>
    public static IReadOnlyDictionary<string, NpyArray> Read(string path, params string[] names) => Open(path, archive =>
    {
        var arrays = new Dictionary<string, NpyArray>();
        foreach (var entry in archive.Entries)
        {
            var name = MemberName(entry.FullName);
            if (!names.Contains(name) || arrays.ContainsKey(name)) continue;
            using var stream = entry.Open();
            arrays[name] = NpyReader.Read(stream, entry.Length, $"{path}: member {name}");
        }
        return (IReadOnlyDictionary<string, NpyArray>)arrays;
    });

    private static string MemberName(string entryName) =>
        entryName.EndsWith(".npy", StringComparison.Ordinal) ? entryName[..^4] : entryName;

    private static T Open<T>(string path, Func<ZipArchive, T> read)
    {
        if (!File.Exists(path)) throw new LatentException($"{path}: file not found");
        try
        {
            using var archive = ZipFile.OpenRead(path);
            return read(archive);
        }
        catch (InvalidDataException e)
        {
            throw new LatentException($"{path}: not a readable .npz (zip) archive ({e.Message})", e);
        }
        catch (IOException e)
        {
            throw new LatentException($"{path}: cannot read ({e.Message})", e);
        }
        catch (NotSupportedException e)
        {
            throw new LatentException($"{path}: unsupported .npz (zip) archive ({e.Message})", e);
        }
    }
}
