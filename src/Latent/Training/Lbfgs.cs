using TorchSharp.Modules;

namespace Latent.Training;

/// <summary>
/// L-BFGS (Liu and Nocedal 1989; Nocedal and Wright 2006, Alg. 7.4 and 7.5) with a backtracking line search that enforces the
/// Armijo condition, for deterministic whole-data losses (GP marginal likelihoods). One <see cref="step"/> runs up to
/// <c>iterations</c> iterations, each evaluating the closure once or more; curvature pairs with sᵀy ≤ 0 are skipped, so the
/// implied inverse Hessian stays positive definite. It stops, and says so in <see cref="Converged"/>, where scipy's L-BFGS-B
/// (which GPflow's Scipy optimizer runs) would: the largest gradient entry at most 1e-5, or a relative loss change at most 2.2e-9.
/// </summary>
/// <remarks>
/// Hand-written because TorchSharp 0.107's <c>torch.optim.LBFGS</c> cannot be used here: it wraps libtorch's native optimizer
/// without the <c>line_search_fn</c> argument (fixed steps, which overshoot on GP hyperparameters), and its <c>state_dict</c>
/// throws NotImplementedException, so the Trainer could not checkpoint it. This optimizer keeps no parameter groups, so its saved
/// state is empty: a resumed run starts a fresh curvature history from the checkpointed parameters.
/// </remarks>
public sealed class Lbfgs : OptimizerHelper, optim.ILearningRateController
{
    private const double Armijo = 1e-4;
    private const int LineSearchHalvings = 30;

    /// <summary>scipy's L-BFGS-B <c>gtol</c>: the largest gradient entry at which the minimum counts as found.</summary>
    public const double DefaultGradientTolerance = 1e-5;

    /// <summary>scipy's L-BFGS-B <c>ftol</c> (1e7 × machine epsilon): the relative loss change, |f − f'| / max(|f|, |f'|, 1), at which progress counts as over.</summary>
    public const double DefaultChangeTolerance = 2.220446049250313e-9;

    private readonly Parameter[] optimized;
    private double learningRate;
    private readonly int iterations;
    private readonly int historySize;
    private readonly double gradientTolerance;
    private readonly double changeTolerance;
    private readonly List<(Tensor S, Tensor Y, double Rho)> history = [];

    /// <summary>
    /// An optimizer over <paramref name="parameters"/> taking trial steps of <paramref name="learningRate"/> times the quasi-Newton
    /// direction (1 is the natural scale), <paramref name="iterations"/> iterations per step, a memory of <paramref name="historySize"/>
    /// pairs; it stops early when the largest gradient entry is at most <paramref name="gradientTolerance"/>, the relative loss change
    /// at most <paramref name="changeTolerance"/>, or no step along the search direction lowers the loss.
    /// </summary>
    public Lbfgs(IEnumerable<Parameter> parameters, double learningRate = 1.0, int iterations = 20, int historySize = 10, double gradientTolerance = DefaultGradientTolerance,
        double changeTolerance = DefaultChangeTolerance)
    {
        optimized = parameters.Where(p => p.requires_grad).ToArray();
        this.learningRate = learningRate;
        InitialLearningRate = learningRate;
        this.iterations = iterations;
        this.historySize = historySize;
        this.gradientTolerance = gradientTolerance;
        this.changeTolerance = changeTolerance;
        _parameter_groups = new List<ParamGroup>();
    }

    /// <summary>The trial step scale (a schedule may change it).</summary>
    public double LearningRate
    {
        get => learningRate;
        set => learningRate = value;
    }

    /// <summary>Whether the last <see cref="step"/> stopped at a minimum (gradient or loss-change tolerance met, or no descent step left); the Trainer then ends the run.</summary>
    public bool Converged { get; private set; }

    /// <summary>The trial step scale the optimizer was created with.</summary>
    public double InitialLearningRate { get; set; }

    /// <summary>This optimizer as its one learning-rate controller (for schedules and logs).</summary>
    public override IEnumerable<optim.ILearningRateController> ParamGroups => [this];

    /// <summary>Sets the gradients of the optimised parameters to zero.</summary>
    public override void zero_grad()
    {
        foreach (var parameter in optimized) parameter.grad?.zero_();
    }

    /// <summary>Runs up to the configured number of L-BFGS iterations; <paramref name="closure"/> zeroes the gradients, evaluates the loss and back-propagates. Returns the loss at the start.</summary>
    public override Tensor step(Func<Tensor>? closure = null)
    {
        if (closure is null) throw new ArgumentNullException(nameof(closure), "L-BFGS re-evaluates the loss: step needs a closure");
        var (loss, gradient) = Evaluate(closure);
        var first = tensor(loss, float64);
        using var noGrad = no_grad();
        Converged = false;
        for (var iteration = 0; iteration < iterations && !Converged; iteration++)
        {
            if (gradient.abs().max().ToDouble() <= gradientTolerance)
            {
                Converged = true;
                break;
            }
            var start = Flat(optimized.Select(p => (Tensor)p));
            var (accepted, direction, size, trial, trialGradient) = Search(closure, start, loss, gradient, Direction(gradient));
            if (!accepted && history.Count > 0)
            {
                // scipy's L-BFGS-B does the same: a quasi-Newton direction built from stale curvature pairs can find no step (at a
                // boundary where the loss turns NaN, say) while steepest descent still can, so the memory is dropped and the search rerun.
                ClearHistory();
                (accepted, direction, size, trial, trialGradient) = Search(closure, start, loss, gradient, -gradient);
            }
            if (!accepted)
            {
                Assign(start);
                Converged = true;
                break;
            }
            var s = size * direction;
            var y = trialGradient! - gradient;
            var curvature = s.dot(y).ToDouble();
            if (curvature > 1e-10)
            {
                history.Add((s.detach().clone().DetachFromDisposeScope(), y.detach().clone().DetachFromDisposeScope(), 1.0 / curvature));
                if (history.Count > historySize)
                {
                    history[0].S.Dispose();
                    history[0].Y.Dispose();
                    history.RemoveAt(0);
                }
            }
            Converged = Math.Abs(loss - trial) <= changeTolerance * Math.Max(1.0, Math.Max(Math.Abs(loss), Math.Abs(trial)));
            (loss, gradient) = (trial, trialGradient!);
        }
        return first;
    }

    /// <summary>
    /// The backtracking line search from <paramref name="start"/> along <paramref name="direction"/> (steepest descent instead when it
    /// is not a descent direction): the first of the trial steps, halved up to 30 times, that is finite and meets the Armijo condition.
    /// Returns whether one was found, the direction searched, the step, and the loss and gradient there (the parameters are left there).
    /// </summary>
    private (bool Accepted, Tensor Direction, double Size, double Loss, Tensor? Gradient) Search(Func<Tensor> closure, Tensor start, double loss, Tensor gradient,
        Tensor direction)
    {
        var slope = gradient.dot(direction).ToDouble();
        if (!(slope < 0))
        {
            ClearHistory();
            direction = -gradient;
            slope = -gradient.dot(gradient).ToDouble();
        }
        var size = history.Count == 0 ? Math.Min(1.0, 1.0 / gradient.abs().sum().ToDouble()) * learningRate : learningRate;
        for (var halving = 0; halving < LineSearchHalvings; halving++, size /= 2)
        {
            Assign(start + size * direction);
            double trial;
            Tensor trialGradient;
            using (enable_grad()) (trial, trialGradient) = Evaluate(closure);
            if (double.IsFinite(trial) && trial <= loss + Armijo * size * slope) return (true, direction, size, trial, trialGradient);
            trialGradient.Dispose();
        }
        return (false, direction, 0, double.NaN, null);
    }

    /// <summary>−H∇ by the two-loop recursion over the stored curvature pairs, starting from the scaled identity γI with γ = sᵀy / yᵀy of the newest pair.</summary>
    private Tensor Direction(Tensor gradient)
    {
        var q = -gradient;
        var alphas = new double[history.Count];
        for (var i = history.Count - 1; i >= 0; i--)
        {
            alphas[i] = history[i].Rho * history[i].S.dot(q).ToDouble();
            q = q - alphas[i] * history[i].Y;
        }
        if (history.Count > 0)
        {
            var newest = history[^1];
            q = q * (1.0 / (newest.Rho * newest.Y.dot(newest.Y).ToDouble()));
        }
        for (var i = 0; i < history.Count; i++)
        {
            var beta = history[i].Rho * history[i].Y.dot(q).ToDouble();
            q = q + (alphas[i] - beta) * history[i].S;
        }
        return q;
    }

    /// <summary>
    /// Runs the closure: the value of the loss it returned and the flattened gradient (zeros where a parameter got none). The loss
    /// tensor is released at once: it holds the evaluation's autograd graph, whose buffers (for a GP, every [M, N] or N × N
    /// intermediate) would otherwise stay alive through all the evaluations of a step.
    /// </summary>
    private (double Value, Tensor Gradient) Evaluate(Func<Tensor> closure)
    {
        double value;
        using (var loss = closure()) value = loss.ToDouble();
        using var noGrad = no_grad();
        return (value, Flat(optimized.Select(p => p.grad ?? zeros_like(p))));
    }

    /// <summary>The tensors flattened into one new float64 vector (a copy, never a view, even of a single float64 tensor).</summary>
    private static Tensor Flat(IEnumerable<Tensor> tensors) => cat(tensors.Select(t => t.detach().reshape(-1).to(ScalarType.Float64).clone()).ToArray(), 0);

    private void Assign(Tensor flat)
    {
        long offset = 0;
        foreach (var parameter in optimized)
        {
            var count = parameter.numel();
            parameter.copy_(flat.narrow(0, offset, count).reshape(parameter.shape).to(parameter.dtype));
            offset += count;
        }
    }

    private void ClearHistory()
    {
        foreach (var (s, y, _) in history)
        {
            s.Dispose();
            y.Dispose();
        }
        history.Clear();
    }

    /// <summary>Releases the curvature history.</summary>
    protected override void Dispose(bool disposing)
    {
        if (disposing) ClearHistory();
        base.Dispose(disposing);
    }
}
