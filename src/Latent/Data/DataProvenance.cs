using System.Security.Cryptography;

namespace Latent.Data;

/// <summary>
/// Where a model's training data came from (config.json's training.trained_on): the path the user gave, the SHA-256 of every
/// file read from it, and how many examples or tokens the model was trained on. Data made in memory has a path and no files.
/// </summary>
/// <param name="Path">The path as given (a file, a folder, or a description such as "embedded MNIST").</param>
/// <param name="Sha256">Lower-case hex SHA-256 of each file read, keyed by the file's path relative to <paramref name="Path"/> (or its name).</param>
/// <param name="ExampleCount">Training examples the model saw (null for text models).</param>
/// <param name="TokenCount">Training tokens the model saw (null for models of examples).</param>
public sealed record DataProvenance(string Path, IReadOnlyDictionary<string, string> Sha256, long? ExampleCount = null, long? TokenCount = null)
{
    /// <summary>Data that was made in memory (no file to hash), described by <paramref name="description"/>.</summary>
    public static DataProvenance InMemory(string description) => new(description, new Dictionary<string, string>());

    /// <summary>
    /// The provenance of data read from <paramref name="paths"/> (files, or folders whose files are all read), described as
    /// <paramref name="description"/>; each file is hashed now and keyed "folder/relative/path" (a folder's own name first) or by its name.
    /// </summary>
    public static DataProvenance FromPaths(string description, IEnumerable<string> paths)
    {
        var hashes = new SortedDictionary<string, string>(StringComparer.Ordinal);
        foreach (var path in paths.Distinct())
        {
            if (Directory.Exists(path))
            {
                var name = System.IO.Path.GetFileName(System.IO.Path.TrimEndingDirectorySeparator(System.IO.Path.GetFullPath(path)));
                foreach (var file in Directory.EnumerateFiles(path, "*", SearchOption.AllDirectories).Order(StringComparer.Ordinal))
                    hashes[System.IO.Path.Combine(name, System.IO.Path.GetRelativePath(path, file)).Replace('\\', '/')] = HashFile(file);
            }
            else hashes[System.IO.Path.GetFileName(path)] = HashFile(path);
        }
        return new DataProvenance(description, hashes);
    }

    /// <summary>The same provenance for a model trained on <paramref name="count"/> examples.</summary>
    public DataProvenance WithExamples(long count) => this with { ExampleCount = count, TokenCount = null };

    /// <summary>The same provenance for a model trained on <paramref name="count"/> tokens.</summary>
    public DataProvenance WithTokens(long count) => this with { TokenCount = count, ExampleCount = null };

    /// <summary>Lower-case hex SHA-256 of a file's bytes; an unreadable file is a one-line error naming it.</summary>
    public static string HashFile(string file)
    {
        try
        {
            using var stream = File.OpenRead(file);
            return Convert.ToHexStringLower(SHA256.HashData(stream));
        }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException)
        {
            throw new LatentException($"{file}: cannot read ({e.Message.ReplaceLineEndings(" ")})", e);
        }
    }
}
