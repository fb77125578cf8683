namespace Latent;

/// <summary>An error caused by the user's input or environment, whose message is one line that names the problem.</summary>
public class LatentException : Exception
{
    /// <summary>Creates the error with a one-line message.</summary>
    public LatentException(string message) : base(message) { }

    /// <summary>Creates the error with a one-line message and the low-level cause.</summary>
    public LatentException(string message, Exception inner) : base(message, inner) { }

    /// <summary>
    /// Runs <paramref name="read"/>, which checks what was read from <paramref name="source"/>; a one-line error that does not
    /// yet name the source is given the prefix "SOURCE: ", so every refusal says which file or folder is at fault.
    /// </summary>
    public static T Naming<T>(string source, Func<T> read)
    {
        try
        {
            return read();
        }
        catch (LatentException e) when (!e.Message.Contains(source, StringComparison.Ordinal))
        {
            throw new LatentException($"{source}: {e.Message}", e);
        }
    }
}
