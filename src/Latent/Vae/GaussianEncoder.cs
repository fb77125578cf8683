using Latent.Distributions;
using Latent.Nn;

namespace Latent.Vae;

/// <summary>
/// The MLP inference network q(z|x): examples of any shape are flattened (and, for a conditional VAE, followed by their one-hot class), then an
/// MLP (ReLU) whose output holds the mean and the log-variance of a diagonal Gaussian, side by side (Kingma and Welling 2014, appendix C.2).
/// </summary>
public sealed class GaussianEncoder : nn.Module<Tensor, Tensor?, DiagonalGaussian>, IEncoder
{
    private readonly Mlp network;

    /// <summary>Creates an encoder for examples of <paramref name="eventShape"/> through <paramref name="hiddenSizes"/> to a <paramref name="latentSize"/>-dimensional Gaussian, reading a one-hot class of <paramref name="conditionSize"/> too (0: none).</summary>
    public GaussianEncoder(IReadOnlyList<long> eventShape, IReadOnlyList<int> hiddenSizes, int latentSize, int conditionSize = 0, Device? device = null, ScalarType dtype = ScalarType.Float32)
        : base(nameof(GaussianEncoder))
    {
        if (latentSize <= 0) throw new LatentException($"latent size must be positive, got {latentSize}");
        if (eventShape.Count == 0 || eventShape.Any(size => size <= 0)) throw new LatentException($"input shape must be positive, got [{string.Join(", ", eventShape)}]");
        if (conditionSize < 0) throw new LatentException($"condition size must be at least 0, got {conditionSize}");
        EventShape = eventShape.ToArray();
        InputSize = checked((int)EventShape.Aggregate(1L, (a, b) => a * b));
        LatentSize = latentSize;
        ConditionSize = conditionSize;
        network = new Mlp([InputSize + conditionSize, .. hiddenSizes, 2 * latentSize], dtype: dtype, device: device);
        RegisterComponents();
    }

    /// <summary>Creates an encoder for vectors of <paramref name="inputSize"/> features.</summary>
    public GaussianEncoder(int inputSize, IReadOnlyList<int> hiddenSizes, int latentSize, Device? device = null, ScalarType dtype = ScalarType.Float32)
        : this([inputSize], hiddenSizes, latentSize, 0, device, dtype)
    {
    }

    /// <inheritdoc/>
    public long[] EventShape { get; }

    /// <summary>Features per example (the flattened event).</summary>
    public int InputSize { get; }

    /// <inheritdoc/>
    public int LatentSize { get; }

    /// <inheritdoc/>
    public int ConditionSize { get; }

    /// <summary>q(z|x) for a batch x [.., …EventShape] and, when conditional, one-hot classes [.., ConditionSize].</summary>
    public override DiagonalGaussian forward(Tensor x, Tensor? condition)
    {
        var flat = x.reshape([.. x.shape[..^EventShape.Length], InputSize]);
        var output = network.forward(condition is null ? flat : cat([flat, condition.to(flat.dtype)], -1));
        return new DiagonalGaussian(output.narrow(-1, 0, LatentSize), output.narrow(-1, LatentSize, LatentSize));
    }
}
