namespace Latent;

/// <summary>
/// The one place a kind of pluggable part (kernels, likelihoods, decoders, noise models, optimizers, model kinds) is found by name:
/// options validation, the CLI's choices and help text, and config.json all read the same names from here, so a new part is one
/// <see cref="Add"/> line beside its implementation. Names are matched exactly (lower-case, kebab-case by convention).
/// </summary>
/// <typeparam name="T">What a name stands for: a factory delegate or a value.</typeparam>
public sealed class Registry<T>
{
    private readonly List<(string Name, string Description, T Value)> entries = [];

    /// <summary>An empty registry of parts called <paramref name="partName"/> in messages ("kernel", "decoder", …).</summary>
    public Registry(string partName) => PartName = partName;

    /// <summary>What one part is called in messages.</summary>
    public string PartName { get; }

    /// <summary>Registers <paramref name="value"/> under <paramref name="name"/>, described for help text; a name registered twice is a programming error.</summary>
    public Registry<T> Add(string name, string description, T value)
    {
        if (Contains(name)) throw new InvalidOperationException($"{PartName} '{name}' is registered twice");
        entries.Add((name, description, value));
        return this;
    }

    /// <summary>The registered names, in registration order.</summary>
    public IReadOnlyList<string> Names => entries.Select(entry => entry.Name).ToArray();

    /// <summary>True when <paramref name="name"/> is registered.</summary>
    public bool Contains(string? name) => entries.Any(entry => entry.Name == name);

    /// <summary>The part registered under <paramref name="name"/>, or a one-line error listing the choices.</summary>
    public T this[string name] => entries.FirstOrDefault(entry => entry.Name == name) is { Name: not null } found ? found.Value : throw Unknown(name);

    /// <summary>The name of the first part that satisfies <paramref name="match"/>, or a programming error when none does.</summary>
    public string NameWhere(Func<T, bool> match) =>
        entries.FirstOrDefault(entry => match(entry.Value)) is { Name: not null } found ? found.Name
            : throw new InvalidOperationException($"no registered {PartName} matches");

    /// <summary>Checks that <paramref name="name"/> is registered and returns it; otherwise a one-line error listing the choices.</summary>
    public string Require(string? name) => Contains(name) ? name! : throw Unknown(name);

    /// <summary>"a|b|c": the choices as the CLI's help shows them.</summary>
    public string Choices => string.Join("|", Names);

    /// <summary>"a (what a is), b (what b is)": the choices with their descriptions.</summary>
    public string Help => string.Join(", ", entries.Select(entry => $"{entry.Name} ({entry.Description})"));

    private LatentException Unknown(string? name) => new($"unknown {PartName} '{name}'; choose one of {string.Join(", ", Names)}");
}
