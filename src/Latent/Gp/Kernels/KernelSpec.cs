namespace Latent.Gp.Kernels;

/// <summary>Builds a kernel from a text spec such as "matern52+white" or "se*linear": names joined by '+' (sum) and '*' (product, binding tighter).</summary>
public static class KernelSpec
{
    /// <summary>The kernel names the spec understands.</summary>
    public static IReadOnlyList<string> Names { get; } = ["se", "rbf", "matern12", "matern32", "matern52", "white", "linear", "constant"];

    /// <summary>
    /// Parses the spec for inputs with the given number of columns. Stationary kernels start at the given variance and lengthscale,
    /// one lengthscale per column when ard; White starts at whiteVariance; Linear and Constant at variance.
    /// </summary>
    public static Kernel Parse(string spec, int inputColumns, bool ard, double variance = 1.0, double lengthscale = 1.0, double whiteVariance = 0.01)
    {
        if (string.IsNullOrWhiteSpace(spec)) throw new LatentException("kernel spec is empty; use names like matern52+white");
        if (inputColumns < 1) throw new LatentException($"kernel spec: inputs need at least one column, got {inputColumns}");
        var lengthscales = Enumerable.Repeat(lengthscale, ard ? inputColumns : 1).ToArray();
        var terms = spec.Split('+').Select(term =>
        {
            var factors = term.Split('*').Select(name => Single(name.Trim().ToLowerInvariant(), spec, variance, lengthscales, whiteVariance)).ToArray();
            return factors.Length == 1 ? factors[0] : new Product(factors);
        }).ToArray();
        return terms.Length == 1 ? terms[0] : new Sum(terms);
    }

    private static Kernel Single(string name, string spec, double variance, double[] lengthscales, double whiteVariance) => name switch
    {
        "se" or "rbf" => new SquaredExponential(variance, lengthscales),
        "matern12" => new Matern12(variance, lengthscales),
        "matern32" => new Matern32(variance, lengthscales),
        "matern52" => new Matern52(variance, lengthscales),
        "white" => new White(whiteVariance),
        "linear" => new Linear(variance),
        "constant" => new Constant(variance),
        _ => throw new LatentException($"kernel spec '{spec}': unknown kernel '{name}'; known: {string.Join(", ", Names)}"),
    };
}
