namespace Latent.Nn;

/// <summary>
/// Noise layer with an unconstrained Q that is projected column by column onto the probability simplex after every
/// optimizer step (Sukhbaatar et al. 2015, §3.1; projection of Duchi et al. 2008).
/// </summary>
public sealed class ProjectedTransition : NoiseAdaptation
{
    private readonly TorchSharp.Modules.Parameter transition;

    /// <summary>Starts at a column-stochastic <paramref name="initial"/> Q (the identity is allowed).</summary>
    public ProjectedTransition(Tensor initial) : base(nameof(ProjectedTransition))
    {
        Data.LabelNoise.Validate(initial, "initial Q");
        transition = nn.Parameter(initial.to(ScalarType.Float32).clone());
        RegisterComponents();
    }

    /// <summary>The parameter the optimizer updates (exposed to inspect the optimizer's state for it).</summary>
    public TorchSharp.Modules.Parameter Parameter => transition;

    /// <summary>P(Q') − Q' of the last projection: the displacement the assignment made outside the optimizer.</summary>
    public Tensor? LastProjectionDisplacement { get; private set; }

    /// <inheritdoc />
    public override Tensor Transition() => transition;

    /// <inheritdoc />
    public override void Assign(Tensor transition)
    {
        Data.LabelNoise.Validate(transition, "Q");
        using var noGrad = no_grad();
        this.transition.copy_(transition);
    }

    /// <summary>Replaces Q by its column-wise simplex projection (an in-place assignment the optimizer does not see).</summary>
    public override void AfterOptimizerStep()
    {
        using var noGrad = no_grad();
        using var projected = SimplexProjection.ProjectColumns(transition);
        LastProjectionDisplacement?.Dispose();
        LastProjectionDisplacement = (projected - transition).DetachFromDisposeScope();
        transition.copy_(projected);
    }
}
