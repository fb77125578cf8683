namespace Latent.Noisy;

/// <summary>The noisy training set split, by a seeded permutation, into the part trained on and an optional held-out part with noisy labels.</summary>
internal sealed class NoisySplit : IDisposable
{
    private readonly bool ownsTensors;

    private NoisySplit(Tensor trainImages, Tensor trainLabels, Tensor? validationImages, Tensor? validationLabels, bool ownsTensors)
    {
        TrainImages = trainImages;
        TrainLabels = trainLabels;
        ValidationImages = validationImages;
        ValidationLabels = validationLabels;
        this.ownsTensors = ownsTensors;
    }

    /// <summary>Images trained on.</summary>
    public Tensor TrainImages { get; }

    /// <summary>Their noisy labels.</summary>
    public Tensor TrainLabels { get; }

    /// <summary>Held-out images (null without a validation split).</summary>
    public Tensor? ValidationImages { get; }

    /// <summary>Their noisy labels (null without a validation split).</summary>
    public Tensor? ValidationLabels { get; }

    /// <summary>Holds out round(fraction · N) examples chosen by a permutation seeded with seed (drawn on the CPU, so every device splits alike); fraction 0 keeps every example for training.</summary>
    public static NoisySplit Create(Tensor images, Tensor labels, double fraction, long seed)
    {
        if (!(fraction >= 0 && fraction < 1)) throw new LatentException($"validation fraction must be in [0, 1), got {fraction}");
        var n = images.shape[0];
        var held = (long)Math.Round(fraction * n);
        if (held == 0) return new NoisySplit(images, labels, null, null, ownsTensors: false);
        if (held >= n) throw new LatentException($"a validation fraction of {fraction} leaves no training examples out of {n}");
        using var generator = new Generator(unchecked((ulong)seed * 2_654_435_761UL + 17UL));
        using var permutation = randperm(n, generator: generator);
        using var order = permutation.to(images.device);
        using var validationRows = order.narrow(0, 0, held);
        using var trainRows = order.narrow(0, held, n - held);
        return new NoisySplit(images.index_select(0, trainRows), labels.index_select(0, trainRows),
            images.index_select(0, validationRows), labels.index_select(0, validationRows), ownsTensors: true);
    }

    /// <summary>The same training part with no validation part (for runs that must not select epochs).</summary>
    public NoisySplit WithoutValidation() => new(TrainImages, TrainLabels, null, null, ownsTensors: false);

    /// <inheritdoc />
    public void Dispose()
    {
        if (!ownsTensors) return;
        TrainImages.Dispose();
        TrainLabels.Dispose();
        ValidationImages?.Dispose();
        ValidationLabels?.Dispose();
    }
}
