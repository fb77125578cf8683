using Latent.Distributions;

namespace Latent.Vae;

/// <summary>p(x|z) as independent Bernoulli features in [0, 1]: a network (any architecture) producing one logit per feature.</summary>
public sealed class BernoulliDecoder : NetworkDecoder
{
    /// <summary>Creates the decoder over <paramref name="network"/>, which must give one output per feature.</summary>
    public BernoulliDecoder(DecoderNetwork network) : base(nameof(BernoulliDecoder), network, 1, "a Bernoulli decoder")
    {
    }

    /// <summary>Creates an MLP decoder from <paramref name="latentSize"/> through <paramref name="hiddenSizes"/> to <paramref name="outputSize"/> logits.</summary>
    public BernoulliDecoder(int latentSize, IReadOnlyList<int> hiddenSizes, int outputSize, Device? device = null, ScalarType dtype = ScalarType.Float32)
        : this(MlpArchitecture.DecoderNetwork(latentSize, hiddenSizes, [outputSize], 1, device, dtype))
    {
    }

    /// <summary>Sets the logits' bias to logit(mean of the data), the mean clamped to [1e-3, 1 − 1e-3].</summary>
    public override void InitializeOutputBias(Tensor data)
    {
        using var scope = NewDisposeScope();
        var p = DecoderOutput.Statistics(data, EventShape).Mean.clamp(1e-3, 1 - 1e-3);
        DecoderOutput.SetBias(Layout, 0, p.log() - (1 - p).log());
    }

    /// <summary>The Bernoulli distribution over features for latent codes z.</summary>
    public override IDistribution forward(Tensor z) => new BernoulliLogits(Layout.Select(Layout.Parameters(z), 0), EventShape.Length);
}
