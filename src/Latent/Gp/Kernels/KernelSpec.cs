namespace Latent.Gp.Kernels;

/// <summary>Builds a kernel from a text spec such as "matern52+white" or "se*linear": names joined by '+' (sum) and '*' (product, binding tighter).</summary>
public static class KernelSpec
{
    /// <summary>
    /// The kernels a spec can name: name → factory (variance, lengthscales — one per column with ARD —, white-noise variance). A new
    /// kernel is one line here.
    /// </summary>
    public static Registry<Func<double, double[], double, Kernel>> Registry { get; } = new Registry<Func<double, double[], double, Kernel>>("kernel")
        .Add("se", "squared exponential", (variance, lengthscales, _) => new SquaredExponential(variance, lengthscales))
        .Add("rbf", "the squared exponential's other name", (variance, lengthscales, _) => new SquaredExponential(variance, lengthscales))
        .Add("matern12", "Matérn 1/2 (exponential)", (variance, lengthscales, _) => new Matern12(variance, lengthscales))
        .Add("matern32", "Matérn 3/2", (variance, lengthscales, _) => new Matern32(variance, lengthscales))
        .Add("matern52", "Matérn 5/2", (variance, lengthscales, _) => new Matern52(variance, lengthscales))
        .Add("rq", "rational quadratic, shape α starting at 1", (variance, lengthscales, _) => new RationalQuadratic(variance, lengthscales))
        .Add("periodic", "periodic (squared exponential of sines), period starting at 1", (variance, lengthscales, _) => new Periodic(variance, lengthscales))
        .Add("white", "white noise", (_, _, white) => new White(white))
        .Add("linear", "linear (dot product)", (variance, _, _) => new Linear(variance))
        .Add("constant", "constant", (variance, _, _) => new Constant(variance));

    /// <summary>The kernel names the spec understands.</summary>
    public static IReadOnlyList<string> Names => Registry.Names;

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

    private static Kernel Single(string name, string spec, double variance, double[] lengthscales, double whiteVariance) =>
        Registry.Contains(name) ? Registry[name](variance, lengthscales, whiteVariance)
            : throw new LatentException($"kernel spec '{spec}': unknown kernel '{name}'; known: {string.Join(", ", Names)}");
}
