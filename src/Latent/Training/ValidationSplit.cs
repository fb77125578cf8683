namespace Latent.Training;

/// <summary>A training part split in two by a seeded permutation: the examples trained on and those held out for the validation figure early stopping watches.</summary>
public sealed class ValidationSplit : IDisposable
{
    private ValidationSplit(DataPart train, DataPart validation) => (Train, Validation) = (train, validation);

    /// <summary>The examples trained on.</summary>
    public DataPart Train { get; }

    /// <summary>The held-out examples.</summary>
    public DataPart Validation { get; }

    /// <summary>
    /// Holds out round(<paramref name="fraction"/> · N) examples of <paramref name="part"/>, at least one, chosen by a permutation seeded
    /// with <paramref name="seed"/> (drawn on the CPU, so every device splits alike); both parts are copies.
    /// </summary>
    public static ValidationSplit Create(DataPart part, double fraction, long seed)
    {
        if (!(fraction > 0 && fraction < 1)) throw new LatentException($"validation fraction must be in (0, 1), got {fraction}");
        long n = part.Count;
        long held = Math.Max(1, (long)Math.Round(fraction * n));
        if (held >= n) throw new LatentException($"a validation fraction of {fraction} leaves no training examples out of {n}");
        using var generator = new Generator(unchecked((ulong)seed * 2_654_435_761UL + 29UL));
        using var permutation = randperm(n, generator: generator);
        using var order = permutation.to(part.Features.device);
        using var validationRows = order.narrow(0, 0, held);
        using var trainRows = order.narrow(0, held, n - held);
        return new ValidationSplit(part.Select(trainRows), part.Select(validationRows));
    }

    /// <summary>Releases both parts.</summary>
    public void Dispose()
    {
        Train.Dispose();
        Validation.Dispose();
    }
}
