using TorchSharp;
using static TorchSharp.torch;

namespace Latent.Nn;

/// <summary>Noise layer with Q = softmax(W, dim 0): valid by construction, trained by plain gradient steps on W.</summary>
public sealed class SoftmaxTransition : NoiseAdaptation
{
    private readonly TorchSharp.Modules.Parameter logits;

    /// <summary>Starts at a strictly positive column-stochastic <paramref name="initial"/> Q (W = log Q).</summary>
    public SoftmaxTransition(Tensor initial) : base(nameof(SoftmaxTransition))
    {
        Data.LabelNoise.Validate(initial, "initial Q");
        if (initial.le(0).any().item<bool>())
            throw new LatentException("softmax-parameterized Q needs strictly positive initial entries (W = log Q); give a little off-diagonal mass");
        logits = nn.Parameter(initial.to(ScalarType.Float32).log());
        RegisterComponents();
    }

    /// <inheritdoc />
    public override Tensor Transition() => logits.softmax(0);
}
