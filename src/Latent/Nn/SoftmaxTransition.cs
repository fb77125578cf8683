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

    /// <summary>The smallest entry <see cref="Assign"/> gives Q: W = log Q needs Q &gt; 0, and an entry this small still moves (∂Q/∂W ≈ Q).</summary>
    public const double AssignedFloor = 1e-4;

    /// <inheritdoc />
    public override Tensor Transition() => logits.softmax(0);

    /// <summary>Sets W = log Q for <paramref name="transition"/> with its entries raised to <see cref="AssignedFloor"/> and its columns renormalised.</summary>
    public override void Assign(Tensor transition)
    {
        Data.LabelNoise.Validate(transition, "Q");
        using var scope = NewDisposeScope();
        using var noGrad = no_grad();
        var floored = transition.to(ScalarType.Float64).clamp_min(AssignedFloor);
        logits.copy_((floored / floored.sum(0, keepdim: true)).log());
    }
}
