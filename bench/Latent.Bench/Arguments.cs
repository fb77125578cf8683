using System.Globalization;

namespace Latent.Bench;

/// <summary>Reads `--name value` options from a workload's arguments.</summary>
public static class Arguments
{
    /// <summary>The text after <paramref name="name"/>, or null when absent.</summary>
    public static string? Text(string[] args, string name)
    {
        int at = Array.IndexOf(args, name);
        if (at < 0) return null;
        if (at + 1 >= args.Length) throw new LatentException($"option {name} needs a value");
        return args[at + 1];
    }

    /// <summary>The positive integer after <paramref name="name"/>, or <paramref name="fallback"/> when absent.</summary>
    public static int Int(string[] args, string name, int fallback)
    {
        var text = Text(args, name);
        if (text is null) return fallback;
        if (!int.TryParse(text, NumberStyles.None, CultureInfo.InvariantCulture, out int value) || value < 1)
            throw new LatentException($"option {name} needs a positive integer, got '{text}'");
        return value;
    }

    /// <summary>The number after <paramref name="name"/>, or <paramref name="fallback"/> when absent.</summary>
    public static double Double(string[] args, string name, double fallback)
    {
        var text = Text(args, name);
        if (text is null) return fallback;
        if (!double.TryParse(text, NumberStyles.Float, CultureInfo.InvariantCulture, out double value) || !double.IsFinite(value))
            throw new LatentException($"option {name} needs a number, got '{text}'");
        return value;
    }

    /// <summary>Throws a one-line error naming the first `--option` in <paramref name="args"/> that is not in <paramref name="known"/>.</summary>
    public static void RejectUnknown(string[] args, params string[] known)
    {
        foreach (var arg in args.Where(a => a.StartsWith("--", StringComparison.Ordinal)))
            if (!known.Contains(arg)) throw new LatentException($"unknown option {arg}; known: {string.Join(", ", known)}");
    }

    /// <summary>Applies "--threads N" (libtorch intra-op threads; default all cores), useful on a machine shared with other jobs.</summary>
    public static void ApplyThreads(string[] args)
    {
        if (Text(args, "--threads") is null) return;
        TorchSharp.torch.set_num_threads(Int(args, "--threads", Environment.ProcessorCount));
        Console.WriteLine($"libtorch threads: {TorchSharp.torch.get_num_threads()}");
    }
}
