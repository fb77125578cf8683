namespace Latent.Nn;

/// <summary>Forward loss correction (Patrini et al. 2017): a fixed, known or estimated T applied to the softmax output.</summary>
public sealed class FixedTransition : NoiseAdaptation
{
    private readonly Tensor transition;

    /// <summary>Uses the column-stochastic matrix <paramref name="transition"/> as a non-trainable buffer.</summary>
    public FixedTransition(Tensor transition) : base(nameof(FixedTransition))
    {
        Data.LabelNoise.Validate(transition, "fixed T");
        this.transition = transition.to(ScalarType.Float32).contiguous().clone();
        RegisterComponents();
    }

    /// <inheritdoc />
    public override Tensor Transition() => transition;

    /// <inheritdoc />
    public override void Assign(Tensor transition)
    {
        Data.LabelNoise.Validate(transition, "fixed T");
        using var noGrad = no_grad();
        this.transition.copy_(transition);
    }
}
