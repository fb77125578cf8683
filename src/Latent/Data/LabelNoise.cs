using System.Globalization;

namespace Latent.Data;

/// <summary>
/// Label-noise transition matrices and their seeded injection. Convention: T[i, j] = p(noisy = i | true = j),
/// so every column sums to 1 (column-stochastic).
/// </summary>
public static class LabelNoise
{
    /// <summary>The MNIST pair flips of Patrini et al. 2017 (true → noisy): 2→7, 3→8, 5↔6, 7→1.</summary>
    public static IReadOnlyList<(int True, int Noisy)> MnistPairFlips { get; } = [(2, 7), (3, 8), (5, 6), (6, 5), (7, 1)];

    /// <summary>Symmetric noise: diagonal 1 − rate, every off-diagonal entry rate / (classes − 1).</summary>
    public static Tensor Symmetric(int classes, double rate)
    {
        CheckRate(rate);
        if (classes < 2) throw new LatentException($"symmetric noise needs at least 2 classes, got {classes}");
        var matrix = new double[classes * classes];
        for (int i = 0; i < classes; i++)
            for (int j = 0; j < classes; j++)
                matrix[i * classes + j] = i == j ? 1 - rate : rate / (classes - 1);
        return tensor(matrix, new long[] { classes, classes }, ScalarType.Float64);
    }

    /// <summary>Pair-flip noise for any C ≥ 2 (Han et al. 2018): class i keeps 1 − rate and sends rate to class (i + 1) mod C.</summary>
    public static Tensor PairFlip(int classes, double rate)
    {
        CheckRate(rate);
        if (classes < 2) throw new LatentException($"pair-flip noise needs at least 2 classes, got {classes}");
        var matrix = new double[classes * classes];
        for (int j = 0; j < classes; j++)
        {
            matrix[j * classes + j] += 1 - rate;
            matrix[(j + 1) % classes * classes + j] += rate;
        }
        return tensor(matrix, new long[] { classes, classes }, ScalarType.Float64);
    }

    /// <summary>Patrini et al.'s MNIST pairs on 10 classes: each flipped class keeps 1 − rate and sends rate to its partner.</summary>
    public static Tensor MnistPairs(double rate)
    {
        CheckRate(rate);
        const int classes = 10;
        var matrix = new double[classes * classes];
        for (int j = 0; j < classes; j++) matrix[j * classes + j] = 1;
        foreach (var (trueClass, noisyClass) in MnistPairFlips)
        {
            matrix[trueClass * classes + trueClass] = 1 - rate;
            matrix[noisyClass * classes + trueClass] = rate;
        }
        return tensor(matrix, new long[] { classes, classes }, ScalarType.Float64);
    }

    /// <summary>Reads a classes×classes matrix from a CSV file (rows = noisy label, columns = true label) and validates it.</summary>
    public static Tensor FromCsv(string path, int classes)
    {
        if (!File.Exists(path)) throw new LatentException($"{path}: noise matrix file not found");
        var rows = File.ReadAllLines(path).Where(line => line.Trim().Length > 0).ToArray();
        if (rows.Length != classes) throw new LatentException($"{path}: expected a {classes}×{classes} matrix (one row per noisy label, one column per true label), found {rows.Length} rows");
        var matrix = new double[classes * classes];
        for (int i = 0; i < classes; i++)
        {
            var cells = rows[i].Split(',');
            if (cells.Length != classes) throw new LatentException($"{path}: row {i + 1} has {cells.Length} values, expected {classes}");
            for (int j = 0; j < classes; j++)
            {
                if (!double.TryParse(cells[j].Trim(), NumberStyles.Float, CultureInfo.InvariantCulture, out var value))
                    throw new LatentException($"{path}: row {i + 1}, column {j + 1}: '{cells[j].Trim()}' is not a number");
                matrix[i * classes + j] = value;
            }
        }
        var transition = tensor(matrix, new long[] { classes, classes }, ScalarType.Float64);
        Validate(transition, path);
        return transition;
    }

    /// <summary>
    /// Parses "none", "symmetric:RATE", "pairflip:RATE" (i → i+1 mod C), "mnist-pairs:RATE" (Patrini's pairs, C = 10 only) or the
    /// path of a C×C CSV file into a transition matrix for <paramref name="classes"/> classes.
    /// </summary>
    public static Tensor Parse(string specification, int classes)
    {
        var parts = specification.Split(':', 2);
        double Rate() => parts.Length == 2 && double.TryParse(parts[1], NumberStyles.Float, CultureInfo.InvariantCulture, out var rate)
            ? rate
            : throw new LatentException($"noise '{specification}': expected a rate after ':', e.g. symmetric:0.5");
        return parts[0].ToLowerInvariant() switch
        {
            "none" => Symmetric(classes, 0),
            "symmetric" => Symmetric(classes, Rate()),
            "pairflip" => PairFlip(classes, Rate()),
            "mnist-pairs" when classes == 10 => MnistPairs(Rate()),
            "mnist-pairs" => throw new LatentException($"noise '{specification}': the MNIST pairs (2→7, 3→8, 5↔6, 7→1) need 10 classes, the data has {classes}; pairflip:RATE works for any number"),
            _ when File.Exists(specification) || specification.EndsWith(".csv", StringComparison.OrdinalIgnoreCase) => FromCsv(specification, classes),
            _ => throw new LatentException($"noise '{specification}': expected none, symmetric:RATE, pairflip:RATE, mnist-pairs:RATE or a CSV file of T"),
        };
    }

    /// <summary>Throws unless <paramref name="transition"/> is square, finite, non-negative and column-stochastic (within 1e-6).</summary>
    public static void Validate(Tensor transition, string source)
    {
        if (transition.dim() != 2 || transition.shape[0] != transition.shape[1])
            throw new LatentException($"{source}: a transition matrix must be square, got shape [{string.Join(", ", transition.shape)}]");
        using var scope = NewDisposeScope();
        var values = transition.to(ScalarType.Float64);
        if (!values.isfinite().all().item<bool>()) throw new LatentException($"{source}: the transition matrix holds NaN or infinite entries");
        if (values.lt(0).any().item<bool>()) throw new LatentException($"{source}: the transition matrix holds negative entries");
        double deviation = values.sum(0, keepdim: false).sub(1).abs().max().item<double>();
        if (deviation > 1e-6)
            throw new LatentException($"{source}: the columns of the transition matrix must sum to 1 (largest deviation {deviation:G3})");
    }

    /// <summary>Draws a noisy label for every clean label: noisy ~ Categorical(T[:, clean]), reproducibly from <paramref name="generator"/>.</summary>
    public static Tensor Inject(Tensor labels, Tensor transition, Generator generator)
    {
        Validate(transition, "label noise");
        if (labels.dim() != 1) throw new LatentException($"labels must be one-dimensional, got {labels.dim()} dimensions");
        long classes = transition.shape[0];
        if (labels.numel() > 0 && (labels.min().item<long>() < 0 || labels.max().item<long>() >= classes))
            throw new LatentException($"labels must lie in 0..{classes - 1} for a {classes}×{classes} transition matrix");
        using var scope = NewDisposeScope();
        var clean = labels.to(ScalarType.Int64);
        var columns = transition.to(ScalarType.Float64).t().index_select(0, clean);
        var noisy = multinomial(columns, 1, replacement: true, generator: generator).squeeze(1);
        return noisy.MoveToOuterDisposeScope();
    }

    /// <summary>The realised transition matrix: counts of (noisy = i, true = j) divided by the count of true = j (empty columns stay 0).</summary>
    public static Tensor Realised(Tensor cleanLabels, Tensor noisyLabels, int classes)
    {
        if (!cleanLabels.shape.SequenceEqual(noisyLabels.shape))
            throw new LatentException($"clean and noisy labels differ in shape: [{string.Join(", ", cleanLabels.shape)}] vs [{string.Join(", ", noisyLabels.shape)}]");
        using var scope = NewDisposeScope();
        var pairIndex = noisyLabels.to(ScalarType.Int64) * classes + cleanLabels.to(ScalarType.Int64);
        var counts = pairIndex.bincount(null, classes * classes).to(ScalarType.Float64).reshape(classes, classes);
        var columnTotals = counts.sum(0, keepdim: true).clamp_min(1);
        return (counts / columnTotals).MoveToOuterDisposeScope();
    }

    private static void CheckRate(double rate)
    {
        if (!(rate >= 0 && rate <= 1)) throw new LatentException($"noise rate must lie in [0, 1], got {rate.ToString(CultureInfo.InvariantCulture)}");
    }
}
