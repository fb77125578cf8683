using Latent.Distributions;
using TorchSharp;
using TorchSharp.Modules;
using static TorchSharp.torch;

namespace Latent.Vae;

/// <summary>p(x|z) as independent Bernoulli pixels: an MLP producing one logit per pixel.</summary>
public sealed class BernoulliDecoder : nn.Module<Tensor, IObservationDistribution>, IDecoder
{
    private readonly Sequential trunk;
    private readonly Linear logits;

    /// <summary>Creates a decoder from <paramref name="latentSize"/> through <paramref name="hiddenSizes"/> (ReLU) to <paramref name="outputSize"/> logits.</summary>
    public BernoulliDecoder(int latentSize, IReadOnlyList<int> hiddenSizes, int outputSize, Device? device = null, ScalarType dtype = ScalarType.Float32)
        : base(nameof(BernoulliDecoder))
    {
        if (outputSize <= 0) throw new LatentException($"decoder output size must be positive, got {outputSize}");
        LatentSize = latentSize;
        OutputSize = outputSize;
        trunk = MlpTrunk.Create(latentSize, hiddenSizes, device, dtype);
        logits = nn.Linear(MlpTrunk.OutputWidth(latentSize, hiddenSizes), outputSize, device: device, dtype: dtype);
        RegisterComponents();
    }

    /// <inheritdoc/>
    public int LatentSize { get; }

    /// <inheritdoc/>
    public int OutputSize { get; }

    /// <inheritdoc/>
    public void InitializeOutputBias(Tensor dataMean) => MlpTrunk.SetBiasToLogitOf(logits, dataMean);

    /// <summary>The Bernoulli distribution over pixels for latent codes z.</summary>
    public override IObservationDistribution forward(Tensor z) =>
        new BernoulliObservation(new BernoulliLogits(logits.forward(trunk.forward(z))));
}
