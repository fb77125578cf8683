namespace Latent.Bench;

/// <summary>Reads `--name value` pairs from a workload's arguments.</summary>
public static class Arguments
{
    /// <summary>The integer after <paramref name="name"/>, or <paramref name="fallback"/> when absent.</summary>
    public static int Int(string[] args, string name, int fallback)
    {
        int at = Array.IndexOf(args, name);
        if (at < 0) return fallback;
        if (at + 1 >= args.Length || !int.TryParse(args[at + 1], out var value) || value < 1)
            throw new LatentException($"{name} needs a positive integer");
        return value;
    }
}
