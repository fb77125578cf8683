namespace Latent.Data;

/// <summary>Finds the embedded data folder: $LATENT_DATA, else the nearest `data/` above the program or the working directory.</summary>
public static class DataPaths
{
    /// <summary>The environment variable that overrides where the embedded data lives.</summary>
    public const string EnvironmentVariable = "LATENT_DATA";

    /// <summary>The folder holding mnist/ and brown-tagged.txt.gz.</summary>
    public static string Root()
    {
        var fromEnvironment = Environment.GetEnvironmentVariable(EnvironmentVariable);
        if (!string.IsNullOrEmpty(fromEnvironment)) return fromEnvironment;
        foreach (var start in new[] { AppContext.BaseDirectory, Directory.GetCurrentDirectory() })
        {
            for (var dir = new DirectoryInfo(start); dir is not null; dir = dir.Parent)
            {
                var candidate = Path.Combine(dir.FullName, "data");
                if (File.Exists(Path.Combine(candidate, "brown-tagged.txt.gz")) || Directory.Exists(Path.Combine(candidate, "mnist")))
                    return candidate;
            }
        }
        throw new LatentException($"embedded data folder not found above {AppContext.BaseDirectory}; set {EnvironmentVariable} or pass --data DIR");
    }

    /// <summary>The embedded MNIST folder.</summary>
    public static string Mnist() => Path.Combine(Root(), "mnist");

    /// <summary>The embedded Brown corpus file.</summary>
    public static string Brown() => Path.Combine(Root(), "brown-tagged.txt.gz");
}
