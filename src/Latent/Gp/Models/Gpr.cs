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
    /// with jitter, so that a line search backs off from such a point instead of stopping.
    /// </summary>
    public Tensor LogMarginalLikelihood()
    {
        var (cholesky, residual, covariance) = TryFactorize();
        if (cholesky is null) return covariance.sum() * double.NaN;
        var alpha = linalg.solve_triangular(cholesky, residual, upper: false);
        var n = inputs.shape[0];
        var outputs = targets.shape[1];
        return -0.5 * alpha.square().sum() - outputs * cholesky.diagonal().log().sum() - 0.5 * n * outputs * Math.Log(2 * Math.PI);
    }

    /// <summary>The latent posterior mean [N*, L] and variance: [N*, L], or covariance [L, N*, N*] when fullCov.</summary>
    public override (Tensor Mean, Tensor Variance) PredictF(Tensor X, bool fullCov = false)
    {
        using var noGrad = no_grad();
        var (cholesky, residual, _) = TryFactorize();
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

    /// <summary>
    /// The Cholesky factor of K + σ²I (null when it fails), the residual Y − m(X) and the matrix. When rounding makes the matrix
    /// indefinite (a vanishing noise variance), jitter of 1e-6, 1e-4, then 1e-2 times its mean diagonal is added before giving up.
    /// </summary>
    private (Tensor? Cholesky, Tensor Residual, Tensor Covariance) TryFactorize()
    {
        var n = inputs.shape[0];
        var identity = eye(n, dtype: float64, device: inputs.device);
        var covariance = kernel.K(inputs) + likelihood.VarianceTensor * identity;
        var (cholesky, info) = linalg.cholesky_ex(covariance, check_errors: false);
        foreach (var jitter in new[] { 1e-6, 1e-4, 1e-2 })
        {
            if (!info.any().item<bool>()) break;
            var scale = covariance.diagonal().mean().detach().ToDouble();
            (cholesky, info) = linalg.cholesky_ex(covariance + jitter * scale * identity, check_errors: false);
        }
        return (info.any().item<bool>() ? null : cholesky, targets - meanFunction.forward(inputs), covariance);
    }
}
