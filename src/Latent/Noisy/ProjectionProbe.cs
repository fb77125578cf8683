namespace Latent.Noisy;

/// <summary>
/// Per-epoch averages that measure what the projection (an assignment after Adam's step) does relative to Adam's state.
/// </summary>
/// <param name="ProjectionToStepRatio">‖P(Q′) − Q′‖ / ‖Q′ − Q‖: size of the projection's displacement relative to Adam's own step.</param>
/// <param name="StepProjectionCosine">cos(Q′ − Q, P(Q′) − Q′): −1 means the projection undoes Adam's step.</param>
/// <param name="MomentumProjectionCosine">cos(−m, P(Q′) − Q′) for Adam's first moment m after the step: how much the
/// momentum still points where the projection keeps pushing back.</param>
/// <param name="MomentumOffSimplexShare">Share of ‖m‖² along the column-sum direction (1,…,1) — gradient memory in a
/// direction the constraint forbids; the projection never clears it.</param>
/// <param name="PinnedShare">Share of Q's entries held at 0 by the projection while m still pushes them below 0.</param>
public sealed record ProjectionProbe(
    double ProjectionToStepRatio,
    double StepProjectionCosine,
    double MomentumProjectionCosine,
    double MomentumOffSimplexShare,
    double PinnedShare);
