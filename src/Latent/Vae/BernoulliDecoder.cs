using Latent.Distributions;
using Latent.Nn;

namespace Latent.Vae;

/// <summary>p(x|z) as independent Bernoulli features in [0, 1]: an MLP (ReLU) producing one logit per feature.</summary>
public sealed class BernoulliDecoder : nn.Module<Tensor, IDistribution>, IDecoder
{
    private readonly Mlp network;

    /// <summary>Creates a decoder from <paramref name="latentSize"/> through <paramref name="hiddenSizes"/> to <paramref name="outputSize"/> logits.</summary>
    public BernoulliDecoder(int latentSize, IReadOnlyList<int> hiddenSizes, int outputSize, Device? device = null, ScalarType dtype = ScalarType.Float32)
        : base(nameof(BernoulliDecoder))
    {
        if (outputSize <= 0) throw new LatentException($"decoder output size must be positive, got {outputSize}");
        LatentSize = latentSize;
        OutputSize = outputSize;
        network = new Mlp([latentSize, .. hiddenSizes, outputSize], dtype: dtype, device: device);
        RegisterComponents();
    }

    /// <inheritdoc/>
    public int LatentSize { get; }

    /// <inheritdoc/>
    public int OutputSize { get; }

    /// <summary>Sets the logits' bias to logit(mean of the data), the mean clamped to [1e-3, 1 − 1e-3].</summary>
    public void InitializeOutputBias(Tensor data)
    {
        using var scope = NewDisposeScope();
        var p = DecoderOutput.Statistics(data, OutputSize).Mean.clamp(1e-3, 1 - 1e-3);
        DecoderOutput.SetBias(network, 0, p.log() - (1 - p).log());
    }

    /// <summary>The Bernoulli distribution over features for latent codes z.</summary>
    public override IDistribution forward(Tensor z) => new BernoulliLogits(network.forward(z));
}
