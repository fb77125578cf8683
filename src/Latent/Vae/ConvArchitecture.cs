namespace Latent.Vae;

/// <summary>
/// Convolutional networks for images [C, H, W] of any size and channel count (the Keras and TensorFlow VAE tutorials): the encoder has 3×3
/// convolutions of stride 2 through <see cref="VaeOptions.Channels"/> (each halves the size, rounding up: 28 → 14 → 7), then fully connected
/// layers through <see cref="VaeOptions.Hidden"/>; the decoder mirrors it with transposed convolutions whose output padding restores each size exactly.
/// </summary>
public sealed class ConvArchitecture : IVaeArchitecture
{
    /// <inheritdoc/>
    public void Check(IReadOnlyList<long> eventShape)
    {
        if (eventShape.Count != 3 || eventShape.Any(size => size < 1))
            throw new LatentException($"the conv architecture needs images [channels, height, width], got examples of shape [{string.Join(", ", eventShape)}]; use --architecture mlp");
    }

    /// <inheritdoc/>
    public IEncoder CreateEncoder(IReadOnlyList<long> eventShape, int conditionSize, VaeOptions options, Device? device, ScalarType dtype)
    {
        Check(eventShape);
        return new ConvEncoder(eventShape, options.Channels, options.Hidden, options.Latent, conditionSize, device, dtype);
    }

    /// <inheritdoc/>
    public DecoderNetwork CreateDecoderNetwork(int codeSize, IReadOnlyList<long> eventShape, int outputsPerFeature, VaeOptions options, Device? device, ScalarType dtype)
    {
        Check(eventShape);
        var network = new ConvDecoderNetwork(codeSize, options.Hidden.Reverse().ToArray(), options.Channels, eventShape, outputsPerFeature, device, dtype);
        return new DecoderNetwork(network, () => network.OutputBias, codeSize, eventShape.ToArray(), outputsPerFeature);
    }

    /// <inheritdoc/>
    public string Describe(IReadOnlyList<long> eventShape, VaeOptions options) =>
        string.Join("-", new[] { string.Join("x", eventShape) }.Concat(options.Channels.Select(c => $"c{c}")).Concat(options.Hidden.Select(w => $"{w}")).Append($"{options.Latent}"));

    /// <summary>The side lengths after each stride-2 layer: <paramref name="size"/>, then ⌈size/2⌉ per layer (<paramref name="layers"/> + 1 values).</summary>
    public static long[] Sizes(long size, int layers)
    {
        var sizes = new long[layers + 1];
        sizes[0] = size;
        for (int i = 1; i <= layers; i++) sizes[i] = (sizes[i - 1] + 1) / 2;
        return sizes;
    }
}
