namespace Latent.Nn;

/// <summary>
/// A label-noise layer (Sukhbaatar et al. 2015): maps clean-class log-probabilities log p(y | x) [B, C] to noisy-label
/// log-probabilities log p(ỹ | x) = log(Q · p(y | x)) with a column-stochastic Q[i, j] = p(ỹ = i | y = j).
/// </summary>
public abstract class NoiseAdaptation : nn.Module<Tensor, Tensor>
{
    /// <summary>Names the module (state-dict prefix).</summary>
    protected NoiseAdaptation(string name) : base(name) { }

    /// <summary>The current transition matrix Q [C, C], differentiable where it is learned.</summary>
    public abstract Tensor Transition();

    /// <summary>Sets Q to the column-stochastic <paramref name="transition"/> [C, C] (outside autograd; a softmax layer sets W = log Q).</summary>
    public abstract void Assign(Tensor transition);

    /// <summary>Called after every optimizer step; layers that keep Q valid by assignment do it here.</summary>
    public virtual void AfterOptimizerStep() { }

    /// <summary>Sukhbaatar's trace regularizer tr(Q), added to the loss with a positive weight to push the noise into Q.</summary>
    public Tensor Trace() => Transition().trace();

    /// <summary>Returns log p(ỹ | x) [B, C] from clean-class log-probabilities [B, C].</summary>
    public override Tensor forward(Tensor logProbabilities) => ChannelLogProbabilities(Transition(), logProbabilities);

    /// <summary>
    /// log(Q · p)_i = log Σ_j Q[i, j] exp(a_j) for rows a of log-probabilities, as a weighted logsumexp:
    /// m + log Σ_j Q[i, j] exp(a_j − m) with m = max_j a_j (detached; its exact gradient is 0).
    /// Q enters linearly, not through log Q, so exact zeros (left by the simplex projection) are harmless and still
    /// receive their true gradient exp(a_j − m) / Σ — a clamp_min inside log Q would zero that gradient and freeze
    /// an identity-initialised Q at I. Every shifted term is ≤ 1, so nothing overflows; the inner sum is floored at
    /// the smallest normal float only when p(ỹ = i | x) underflows relative to max_j p_j (a loss of ~87 nats).
    /// </summary>
    public static Tensor ChannelLogProbabilities(Tensor transition, Tensor logProbabilities)
    {
        if (logProbabilities.dim() != 2 || transition.dim() != 2 || transition.shape[1] != logProbabilities.shape[1] || transition.shape[0] != transition.shape[1])
            throw new LatentException($"noise layer: Q [{string.Join(", ", transition.shape)}] does not fit log-probabilities [{string.Join(", ", logProbabilities.shape)}]");
        var shift = logProbabilities.amax(new long[] { 1 }, keepdim: true).detach();
        var weights = (logProbabilities - shift).exp();
        var tiny = logProbabilities.dtype == ScalarType.Float64 ? 2.2250738585072014e-308 : 1.1754944e-38;
        return weights.matmul(transition.t().to(logProbabilities.dtype)).clamp_min(tiny).log() + shift;
    }
}
