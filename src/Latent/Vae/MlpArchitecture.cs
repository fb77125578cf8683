using Latent.Nn;

namespace Latent.Vae;

/// <summary>Fully connected networks (ReLU) through <see cref="VaeOptions.Hidden"/> for examples of any shape, flattened inside the networks (Kingma and Welling 2014).</summary>
public sealed class MlpArchitecture : IVaeArchitecture
{
    /// <inheritdoc/>
    public void Check(IReadOnlyList<long> eventShape)
    {
    }

    /// <inheritdoc/>
    public IEncoder CreateEncoder(IReadOnlyList<long> eventShape, int conditionSize, VaeOptions options, Device? device, ScalarType dtype) =>
        new GaussianEncoder(eventShape, options.Hidden, options.Latent, conditionSize, device, dtype);

    /// <inheritdoc/>
    public DecoderNetwork CreateDecoderNetwork(int codeSize, IReadOnlyList<long> eventShape, int outputsPerFeature, VaeOptions options, Device? device, ScalarType dtype) =>
        DecoderNetwork(codeSize, options.Hidden.Reverse().ToArray(), eventShape, outputsPerFeature, device, dtype);

    /// <inheritdoc/>
    public string Describe(IReadOnlyList<long> eventShape, VaeOptions options) =>
        string.Join("-", new[] { eventShape.Aggregate(1L, (a, b) => a * b) }.Concat(options.Hidden.Select(width => (long)width)).Append(options.Latent));

    /// <summary>An MLP from <paramref name="codeSize"/> through <paramref name="hiddenSizes"/> to <paramref name="outputsPerFeature"/> outputs per feature of <paramref name="eventShape"/>.</summary>
    public static DecoderNetwork DecoderNetwork(int codeSize, IReadOnlyList<int> hiddenSizes, IReadOnlyList<long> eventShape, int outputsPerFeature, Device? device, ScalarType dtype)
    {
        long features = eventShape.Aggregate(1L, (a, b) => a * b);
        if (eventShape.Count == 0 || eventShape.Any(size => size <= 0)) throw new LatentException($"decoder output shape must be positive, got [{string.Join(", ", eventShape)}]");
        var network = new Mlp([codeSize, .. hiddenSizes, checked((int)(outputsPerFeature * features))], dtype: dtype, device: device);
        return new DecoderNetwork(network, () => network.OutputLayer.bias!, codeSize, eventShape.ToArray(), outputsPerFeature);
    }
}
