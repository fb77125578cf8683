using Latent.Gp.Models;

namespace Latent.Gp;

/// <summary>
/// Natural-gradient steps on an SVGP's q(u) (Salimbeni et al. 2018), the alternative to Adam for the variational parameters:
/// with natural parameters θ₁ = S⁻¹m, θ₂ = −½S⁻¹ and expectation parameters η₁ = m, η₂ = S + mmᵀ, a step sets
/// θ ← θ + γ ∂ELBO/∂η, where ∂ELBO/∂η₁ = ∂ELBO/∂m − 2(∂ELBO/∂S)m and ∂ELBO/∂η₂ = ∂ELBO/∂S.
/// </summary>
public static class NaturalGradient
{
    private const int MaxStepHalvings = 20;

    /// <summary>
    /// One step of size gamma from the gradients of −ELBO that backward left on m and on S's factor. With γ = 1 and a Gaussian
    /// likelihood one step lands on the optimal q. A diagonal q is a mean-field family, where the step is a diagonally
    /// preconditioned one and needs a small γ when the inducing outputs are strongly coupled; there a step may at most double a
    /// variance. With a full q, a step that would leave S indefinite (a likelihood that is not log-concave, like RobustMax, can ask
    /// for more variance) is retried at half the size. The gradients of m and S are cleared afterwards. When backward ran on
    /// −ELBO/<paramref name="lossScale"/> (such as the per-example loss −ELBO/N), the gradients are scaled back first.
    /// </summary>
    public static void Step(Svgp model, double gamma, double lossScale = 1.0)
    {
        CheckStepSize(gamma);
        var (qMean, qSqrt) = (model.QMean, model.QSqrt);
        using (var scope = NewDisposeScope())
        {
            var gradSqrt = qSqrt.ValueGradient();
            if (qMean.grad is null || gradSqrt is null) throw new LatentException("SVGP: the natural-gradient step needs the gradients of −ELBO (call backward first)");
            if (lossScale != 1.0)
                using (no_grad())
                {
                    qMean.grad.mul_(lossScale);
                    gradSqrt = gradSqrt * lossScale;
                }
            var (mean, sqrt) = model.QDiagonal ? DiagonalStep(qMean, qSqrt, -gradSqrt, gamma) : FullStep(qMean, qSqrt, -gradSqrt, gamma);
            using var noGrad = no_grad();
            qMean.copy_(mean);
            qSqrt.Assign(sqrt);
        }
        qMean.grad!.zero_();
        qSqrt.Unconstrained.grad!.zero_();
    }

    /// <summary>Refuses a natural-gradient step size outside (0, 1].</summary>
    public static void CheckStepSize(double gamma)
    {
        if (!(gamma > 0 && gamma <= 1)) throw new LatentException($"SVGP: the natural-gradient step size must be in (0, 1], got {gamma}");
    }

    private static (Tensor Mean, Tensor Sqrt) DiagonalStep(Tensor qMean, ConstrainedParameter qSqrt, Tensor elboGradSqrt, double gamma)
    {
        using var noGrad = no_grad();
        var sqrt = qSqrt.Value;
        var variance = sqrt.square();
        var elboGradVariance = elboGradSqrt / (2 * sqrt);
        var elboGradMean = -qMean.grad!;
        var theta1 = qMean / variance + gamma * (elboGradMean - 2 * qMean * elboGradVariance);
        var theta2 = minimum(-0.5 / variance + gamma * elboGradVariance, -0.25 / variance);
        var newVariance = -0.5 / theta2;
        return (newVariance * theta1, newVariance.sqrt());
    }

    private static (Tensor Mean, Tensor Sqrt) FullStep(Tensor qMean, ConstrainedParameter qSqrt, Tensor elboGradFactor, double gamma)
    {
        var factor = qSqrt.Value.detach();
        Tensor elboGradCovariance;
        using (enable_grad())
        {
            var covariance = factor.matmul(factor.transpose(1, 2)).requires_grad_(true);
            var pulledBack = (linalg.cholesky(covariance) * elboGradFactor).sum();
            elboGradCovariance = autograd.grad([pulledBack], [covariance])[0];
        }
        using var noGrad = no_grad();
        var mean = qMean.detach().transpose(0, 1).unsqueeze(2);
        var precision = InverseFromCholesky(factor);
        var meanStep = -qMean.grad!.transpose(0, 1).unsqueeze(2) - 2 * elboGradCovariance.matmul(mean);
        for (var halvings = 0; ; halvings++)
        {
            var (precisionFactor, info) = linalg.cholesky_ex(Symmetrized(precision - 2 * gamma * elboGradCovariance), check_errors: false);
            if (info.any().item<bool>())
            {
                if (halvings == MaxStepHalvings) throw new LatentException($"SVGP: natural-gradient steps down to size {gamma} left q(u)'s covariance indefinite; lower the step size");
                gamma /= 2;
                continue;
            }
            var theta1 = precision.matmul(mean) + gamma * meanStep;
            var newCovariance = InverseFromCholesky(precisionFactor);
            var newMean = newCovariance.matmul(theta1).squeeze(2).transpose(0, 1);
            return (newMean, linalg.cholesky(Symmetrized(newCovariance)));
        }
    }

    /// <summary>A⁻¹ = L⁻ᵀL⁻¹ for a batch of lower Cholesky factors L of A, [L, M, M].</summary>
    private static Tensor InverseFromCholesky(Tensor lower)
    {
        var identity = eye(lower.shape[^1], dtype: lower.dtype, device: lower.device).expand_as(lower);
        var inverse = linalg.solve_triangular(lower, identity, upper: false);
        return inverse.transpose(1, 2).matmul(inverse);
    }

    /// <summary>(A + Aᵀ) / 2 for a batch of matrices, removing the rounding asymmetry of products before a Cholesky factorisation.</summary>
    private static Tensor Symmetrized(Tensor a) => 0.5 * (a + a.transpose(1, 2));
}
