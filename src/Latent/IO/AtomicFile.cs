namespace Latent.IO;

/// <summary>Writes files so that a reader never sees a half-written one: write to a temporary sibling, then rename over the target.</summary>
public static class AtomicFile
{
    /// <summary>
    /// Runs <paramref name="write"/> against a temporary file next to <paramref name="path"/> and renames it into place; a folder
    /// that cannot be written (read-only, full disk) is a one-line error naming the file, and the temporary file is removed.
    /// </summary>
    public static void Write(string path, Action<string> write)
    {
        var full = Path.GetFullPath(path);
        var directory = Path.GetDirectoryName(full)!;
        if (File.Exists(directory)) throw new LatentException($"{directory}: is a file, not a directory");
        var temp = Path.Combine(directory, $".{Path.GetFileName(full)}.{Environment.ProcessId}.{Guid.NewGuid():N}.tmp");
        try
        {
            Directory.CreateDirectory(directory);
            write(temp);
            File.Move(temp, full, overwrite: true);
        }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException)
        {
            throw new LatentException($"{full}: cannot write ({e.Message.ReplaceLineEndings(" ")})", e);
        }
        finally
        {
            if (File.Exists(temp)) File.Delete(temp);
        }
    }

    /// <summary>Writes the bytes produced by <paramref name="write"/> into a stream, atomically; the callee may close the stream (TorchSharp's save does).</summary>
    public static void WriteStream(string path, Action<Stream> write) =>
        Write(path, temp =>
        {
            using var stream = new FileStream(temp, FileMode.CreateNew, FileAccess.Write);
            write(stream);
            if (stream.CanWrite) stream.Flush(flushToDisk: true);
        });

    /// <summary>Writes text atomically (UTF-8).</summary>
    public static void WriteText(string path, string text) => Write(path, temp => File.WriteAllText(temp, text));
}
