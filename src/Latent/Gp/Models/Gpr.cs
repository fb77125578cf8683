using Latent.Gp.Kernels;
using Latent.Gp.Likelihoods;
using Latent.Gp.MeanFunctions;

namespace Latent.Gp.Models;

/// <summary>Exact GP regression with Gaussian noise (Rasmussen &amp; Williams 2006, Alg. 2.1); its forward returns the latent predictive mean and variance.</summary>
public sealed class Gpr : GpModel
{
    private readonly Kernel kernel;
    private readonly Gaussian likelihood;
    private readonly MeanFunction meanFunction;
    private readonly Tensor inputs;
    private readonly Tensor targets;

    /// <summary>Creates the model on training inputs X [N, D] and targets Y [N, L] (float64), with noise variance σ².</summary>
    public Gpr(Kernel kernel, Tensor X, Tensor Y, double noiseVariance = 1.0, MeanFunction? meanFunction = null) : base(nameof(Gpr))
    {
        if (X.dim() != 2 || Y.dim() != 2 || X.shape[0] != Y.shape[0])
            throw new LatentException($"GPR: X must be [N, D] and Y [N, L] with the same N, got [{string.Join(", ", X.shape)}] and [{string.Join(", ", Y.shape)}]");
        if (X.isnan().any().item<bool>() || Y.isnan().any().item<bool>()) throw new LatentException("GPR: training data contain NaN");
        this.kernel = kernel;
        likelihood = new Gaussian(noiseVariance);
        this.meanFunction = meanFunction ?? new ZeroMean();
        inputs = X.detach().to(float64).clone();
        targets = Y.detach().to(float64).clone();
        RegisterComponents();
    }

    /// <summary>The Gaussian likelihood holding the noise variance.</summary>
    public override Gaussian Likelihood => likelihood;

    /// <summary>The kernel.</summary>
    public Kernel Kernel => kernel;

    /// <summary>The number of training points N.</summary>
    public long DataCount => inputs.shape[0];

    /// <summary>The whole-data training loss: −log p(Y | X) per training point.</summary>
    public Tensor TrainingLoss() => -LogMarginalLikelihood() / inputs.shape[0];

    /// <summary>
    /// log p(Y | X) = Σₗ log N(yₗ | m, K + σ²I); NaN (still attached to the parameters) where K + σ²I is not positive definite even
    /// with jitter, so that a line search backs off from such a point instead of stopping. The Gaussian log-density and its gradient
    /// are one autograd node (<see cref="GaussianLogDensity"/>), so backward holds two N × N matrices for it instead of the Cholesky
    /// factorisation's and the triangular solve's graphs.
    /// </summary>
    public Tensor LogMarginalLikelihood()
    {
        var covariance = kernel.K(inputs);
        var residual = targets - meanFunction.forward(inputs);
        var noise = likelihood.VarianceTensor;
        Tensor? cholesky;
        using (no_grad()) cholesky = Factorize(covariance, noise.ToDouble());
        return cholesky is null
            ? (covariance.sum() + noise.sum() + residual.sum()) * double.NaN
            : GaussianLogDensity.apply(covariance, noise, residual, cholesky);
    }

    /// <summary>The latent posterior mean [N*, L] and variance: [N*, L], or covariance [L, N*, N*] when fullCov.</summary>
    public override (Tensor Mean, Tensor Variance) PredictF(Tensor X, bool fullCov = false)
    {
        using var noGrad = no_grad();
        var (cholesky, residual) = TryFactorize();
        if (cholesky is null) throw new LatentException("GPR: K + σ²I is not positive definite");
        var a = linalg.solve_triangular(cholesky, kernel.K(inputs, X), upper: false);
        var alpha = linalg.solve_triangular(cholesky, residual, upper: false);
        var mean = a.transpose(0, 1).matmul(alpha) + meanFunction.forward(X);
        var outputs = targets.shape[1];
        var variance = fullCov
            ? (kernel.K(X) - a.transpose(0, 1).matmul(a)).unsqueeze(0).expand(outputs, -1, -1).clone()
            : (kernel.Kdiag(X) - a.square().sum(0L)).unsqueeze(1).expand(-1, outputs).clone();
        return (mean, variance);
    }

    /// <summary>The Cholesky factor of K + σ²I (null when it fails) and the residual Y − m(X), without gradients.</summary>
    private (Tensor? Cholesky, Tensor Residual) TryFactorize()
    {
        using var noGrad = no_grad();
        return (Factorize(kernel.K(inputs), likelihood.VarianceTensor.ToDouble()), targets - meanFunction.forward(inputs));
    }

    /// <summary>
    /// The Cholesky factor of <paramref name="covariance"/> + σ²I, or null when it fails. When rounding makes the matrix indefinite
    /// (a vanishing noise variance), jitter of 1e-6, 1e-4, then 1e-2 times its mean diagonal is added before giving up.
    /// </summary>
    private static Tensor? Factorize(Tensor covariance, double noiseVariance)
    {
        var shifted = covariance.detach().clone();
        shifted.diagonal().add_(noiseVariance);
        var (cholesky, info) = linalg.cholesky_ex(shifted, check_errors: false);
        var scale = shifted.diagonal().mean().ToDouble();
        var added = 0.0;
        foreach (var jitter in new[] { 1e-6, 1e-4, 1e-2 })
        {
            if (!info.any().item<bool>()) break;
            shifted.diagonal().add_(jitter * scale - added);
            added = jitter * scale;
            (cholesky, info) = linalg.cholesky_ex(shifted, check_errors: false);
        }
        return info.any().item<bool>() ? null : cholesky;
    }

    /// <summary>
    /// Σₗ log N(rₗ | 0, K + σ²I) from the Cholesky factor L of K + σ²I (jitter included) as one autograd node: with α = (K + σ²I)⁻¹R,
    /// the gradient is ½(ααᵀ − L (K + σ²I)⁻¹) for K, its trace for σ² and −α for the residual R [N, L] (Rasmussen &amp; Williams 2006, eq. 5.9).
    /// </summary>
    private sealed class GaussianLogDensity : autograd.SingleTensorFunction<GaussianLogDensity>
    {
        public override string Name => nameof(GaussianLogDensity);

        public override Tensor forward(autograd.AutogradContext ctx, params object[] vars)
        {
            var (noiseVariance, residual, cholesky) = ((Tensor)vars[1], (Tensor)vars[2], (Tensor)vars[3]);
            var alpha = cholesky_solve(residual, cholesky);
            long n = residual.shape[0], outputs = residual.shape[1];
            ctx.save_for_backward([cholesky, alpha, noiseVariance]);
            return -0.5 * (residual * alpha).sum() - outputs * cholesky.diagonal().log().sum() - 0.5 * n * outputs * Math.Log(2 * Math.PI);
        }

        public override List<Tensor> backward(autograd.AutogradContext ctx, Tensor grad)
        {
            var saved = ctx.get_saved_variables();
            var (cholesky, alpha, noiseVariance) = (saved[0], saved[1], saved[2]);
            long outputs = alpha.shape[1];
            var covarianceGradient = cholesky_inverse(cholesky).mul_(-0.5 * outputs).addmm_(alpha, alpha.t(), 1f, 0.5f).mul_(grad);
            var noiseGradient = covarianceGradient.diagonal().sum().expand_as(noiseVariance).clone();
            return [covarianceGradient, noiseGradient, -alpha * grad, null!];
        }
    }
}
