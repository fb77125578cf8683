namespace Latent.Vae;

/// <summary>
/// What every decoder over a <see cref="DecoderNetwork"/> shares: the checked network (its weights registered under "network."),
/// the code width and the event shape. A decoder adds how it reads the network's outputs as a distribution and how it starts their bias.
/// </summary>
public abstract class NetworkDecoder : nn.Module<Tensor, Distributions.IDistribution>, IDecoder
{
    /// <summary>Wraps <paramref name="network"/>, which must give <paramref name="outputsPerFeature"/> outputs per feature for a <paramref name="description"/>.</summary>
    protected NetworkDecoder(string name, DecoderNetwork network, int outputsPerFeature, string description) : base(name)
    {
        if (network.OutputsPerFeature != outputsPerFeature)
            throw new LatentException($"{description} needs {outputsPerFeature} output{(outputsPerFeature == 1 ? "" : "s")} per feature, the network gives {network.OutputsPerFeature}");
        Layout = network;
        register_module("network", network.Module);
    }

    /// <summary>The network and the layout of its outputs.</summary>
    protected DecoderNetwork Layout { get; }

    /// <inheritdoc/>
    public int LatentSize => Layout.CodeSize;

    /// <inheritdoc/>
    public long[] EventShape => Layout.EventShape;

    /// <inheritdoc/>
    public abstract void InitializeOutputBias(Tensor data);
}
