namespace Latent;

/// <summary>An error caused by the user's input or environment, whose message is one line that names the problem.</summary>
public class LatentException : Exception
{
    /// <summary>Creates the error with a one-line message.</summary>
    public LatentException(string message) : base(message) { }

    /// <summary>Creates the error with a one-line message and the low-level cause.</summary>
    public LatentException(string message, Exception inner) : base(message, inner) { }
}
