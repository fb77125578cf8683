namespace Latent.Vae;

/// <summary>
/// How a VAE's networks are built (<see cref="VaeOptions.Architecture"/>, found by name in <see cref="VaeOptions.Architectures"/>): the encoder
/// for examples of a shape, and the network inside the decoder; the decoder's distribution (<see cref="VaeOptions.Decoder"/>) is separate.
/// </summary>
public interface IVaeArchitecture
{
    /// <summary>Checks that the architecture can take examples of <paramref name="eventShape"/>; a one-line error otherwise.</summary>
    void Check(IReadOnlyList<long> eventShape);

    /// <summary>A freshly initialised encoder for examples of <paramref name="eventShape"/> that also reads a one-hot class of <paramref name="conditionSize"/> (0: none).</summary>
    IEncoder CreateEncoder(IReadOnlyList<long> eventShape, int conditionSize, VaeOptions options, Device? device, ScalarType dtype);

    /// <summary>A freshly initialised decoder network from codes of <paramref name="codeSize"/> to <paramref name="outputsPerFeature"/> outputs per feature of <paramref name="eventShape"/>.</summary>
    DecoderNetwork CreateDecoderNetwork(int codeSize, IReadOnlyList<long> eventShape, int outputsPerFeature, VaeOptions options, Device? device, ScalarType dtype);

    /// <summary>The layer sizes, such as "784-400-20" or "1x28x28-c32-c64-400-20".</summary>
    string Describe(IReadOnlyList<long> eventShape, VaeOptions options);
}
