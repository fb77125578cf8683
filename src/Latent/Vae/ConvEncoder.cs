using Latent.Distributions;
using Latent.Nn;
using TorchSharp.Modules;

namespace Latent.Vae;

/// <summary>
/// The convolutional inference network q(z|x) for images [C, H, W]: 3×3 convolutions of stride 2 and padding 1 (ReLU), each halving the size
/// rounding up, then the flattened feature map (followed, for a conditional VAE, by the one-hot class) through an MLP to the mean and the
/// log-variance of a diagonal Gaussian, side by side.
/// </summary>
public sealed class ConvEncoder : nn.Module<Tensor, Tensor?, DiagonalGaussian>, IEncoder
{
    private readonly ModuleList<Conv2d> convolutions;
    private readonly Mlp dense;

    /// <summary>Creates the encoder for images of <paramref name="eventShape"/> through convolutions of <paramref name="channels"/> and dense layers of <paramref name="hiddenSizes"/>.</summary>
    public ConvEncoder(IReadOnlyList<long> eventShape, IReadOnlyList<int> channels, IReadOnlyList<int> hiddenSizes, int latentSize, int conditionSize = 0, Device? device = null, ScalarType dtype = ScalarType.Float32)
        : base(nameof(ConvEncoder))
    {
        if (eventShape.Count != 3 || eventShape.Any(size => size < 1)) throw new LatentException($"a convolutional encoder needs images [channels, height, width], got [{string.Join(", ", eventShape)}]");
        if (channels.Count == 0 || channels.Any(c => c < 1)) throw new LatentException($"convolution channels must be positive, got [{string.Join(", ", channels)}]");
        if (latentSize <= 0) throw new LatentException($"latent size must be positive, got {latentSize}");
        if (conditionSize < 0) throw new LatentException($"condition size must be at least 0, got {conditionSize}");
        EventShape = eventShape.ToArray();
        LatentSize = latentSize;
        ConditionSize = conditionSize;
        convolutions = new ModuleList<Conv2d>();
        long inputChannels = EventShape[0];
        foreach (var width in channels)
        {
            convolutions.Add(nn.Conv2d(inputChannels, width, 3, stride: 2, padding: 1, device: device, dtype: dtype));
            inputChannels = width;
        }
        long features = channels[^1] * ConvArchitecture.Sizes(EventShape[1], channels.Count)[^1] * ConvArchitecture.Sizes(EventShape[2], channels.Count)[^1];
        dense = new Mlp([checked((int)features) + conditionSize, .. hiddenSizes, 2 * latentSize], dtype: dtype, device: device);
        RegisterComponents();
    }

    /// <inheritdoc/>
    public long[] EventShape { get; }

    /// <inheritdoc/>
    public int LatentSize { get; }

    /// <inheritdoc/>
    public int ConditionSize { get; }

    /// <summary>q(z|x) for images x [B, C, H, W] and, when conditional, one-hot classes [B, ConditionSize].</summary>
    public override DiagonalGaussian forward(Tensor x, Tensor? condition)
    {
        var h = x;
        foreach (var convolution in convolutions) h = nn.functional.relu(convolution.forward(h));
        h = h.flatten(1);
        var output = dense.forward(condition is null ? h : cat([h, condition.to(h.dtype)], -1));
        return new DiagonalGaussian(output.narrow(-1, 0, LatentSize), output.narrow(-1, LatentSize, LatentSize));
    }
}
