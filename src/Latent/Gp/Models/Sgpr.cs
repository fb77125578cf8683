using Latent.Gp.Kernels;
using Latent.Gp.Likelihoods;
using Latent.Gp.MeanFunctions;

namespace Latent.Gp.Models;

/// <summary>
/// Sparse GP regression with the collapsed variational bound of Titsias (2009, eq. 9) on inducing inputs Z [M, D] (GPflow's SGPR):
/// q(u) is optimal in closed form, so only the kernel, the noise variance and (optionally) Z are trained; with Z = X the bound
/// equals exact GPR's log marginal likelihood. Its forward returns the latent predictive mean and variance.
/// </summary>
public sealed class Sgpr : GpModel
{
    private readonly Kernel kernel;
    private readonly Gaussian likelihood;
    private readonly MeanFunction meanFunction;
    private readonly TorchSharp.Modules.Parameter inducingInputs;
    private readonly Tensor inputs;
    private readonly Tensor targets;
    private readonly double jitter;

    /// <summary>Creates the model on training inputs X [N, D] and targets Y [N, L] (float64) with inducing inputs Z [M, D], noise variance σ² and Kuu's jitter.</summary>
    public Sgpr(Kernel kernel, Tensor X, Tensor Y, Tensor Z, double noiseVariance = 1.0, bool trainInducingInputs = true, MeanFunction? meanFunction = null, double jitter = 1e-6)
        : base(nameof(Sgpr))
    {
        if (X.dim() != 2 || Y.dim() != 2 || X.shape[0] != Y.shape[0])
            throw new LatentException($"SGPR: X must be [N, D] and Y [N, L] with the same N, got [{string.Join(", ", X.shape)}] and [{string.Join(", ", Y.shape)}]");
        if (Z.dim() != 2 || Z.shape[1] != X.shape[1] || Z.shape[0] < 1)
            throw new LatentException($"SGPR: inducing inputs must be [M, {X.shape[1]}], got [{string.Join(", ", Z.shape)}]");
        if (X.isnan().any().item<bool>() || Y.isnan().any().item<bool>()) throw new LatentException("SGPR: training data contain NaN");
        this.kernel = kernel;
        likelihood = new Gaussian(noiseVariance);
        this.meanFunction = meanFunction ?? new ZeroMean();
        this.jitter = jitter;
        inputs = X.detach().to(float64).clone();
        targets = Y.detach().to(float64).clone();
        inducingInputs = new TorchSharp.Modules.Parameter(Z.detach().to(float64).clone(), requires_grad: trainInducingInputs);
        RegisterComponents();
    }

    /// <summary>The Gaussian likelihood holding the noise variance.</summary>
    public override Gaussian Likelihood => likelihood;

    /// <summary>The kernel.</summary>
    public Kernel Kernel => kernel;

    /// <summary>The number of training points N.</summary>
    public long DataCount => inputs.shape[0];

    /// <summary>The number of inducing points M.</summary>
    public long InducingCount => inducingInputs.shape[0];

    /// <summary>A detached copy of the inducing inputs Z [M, D].</summary>
    public Tensor InducingInputs => inducingInputs.detach().clone();

    /// <summary>The whole-data training loss: the negative bound per training point.</summary>
    public Tensor TrainingLoss() => -Elbo() / inputs.shape[0];

    /// <summary>
    /// The collapsed bound log N(Y | m, Qff + σ²I) − tr(Kff − Qff) / 2σ² per output, summed over outputs, with Qff = Kfu Kuu⁻¹ Kuf;
    /// computed through B = I + A Aᵀ, A = L⁻¹ Kuf / σ (GPflow's SGPR.elbo), in O(N M²); NaN (still attached to the parameters)
    /// where Kuu is not positive definite, so that a line search backs off from such a point instead of stopping.
    /// </summary>
    public Tensor Elbo()
    {
        if (TryFactors() is not var (a, cholesky, c)) return kernel.K(inducingInputs).sum() * likelihood.VarianceTensor.sum() * double.NaN;
        var n = inputs.shape[0];
        var outputs = targets.shape[1];
        var variance = likelihood.VarianceTensor;
        var residual = targets - meanFunction.forward(inputs);
        var traceTerm = 0.5 * outputs * (kernel.Kdiag(inputs).sum() / variance - a.square().sum());
        return -0.5 * n * outputs * Math.Log(2 * Math.PI) - outputs * cholesky.diagonal().log().sum() - 0.5 * n * outputs * variance.log()
            - 0.5 * residual.square().sum() / variance + 0.5 * c.square().sum() - traceTerm;
    }

    /// <summary>The latent predictive mean [N*, L] and variance: [N*, L], or covariance [L, N*, N*] when fullCov.</summary>
    public override (Tensor Mean, Tensor Variance) PredictF(Tensor X, bool fullCov = false)
    {
        using var noGrad = no_grad();
        var (_, choleskyB, c) = TryFactors() ?? throw new LatentException($"SGPR: Kuu is not positive definite with jitter {jitter} (duplicate inducing inputs?)");
        var kuuCholesky = TryKuuCholesky()!;
        var first = linalg.solve_triangular(kuuCholesky, kernel.K(inducingInputs, X), upper: false);
        var second = linalg.solve_triangular(choleskyB, first, upper: false);
        var mean = second.transpose(0, 1).matmul(c) + meanFunction.forward(X);
        var outputs = targets.shape[1];
        var variance = fullCov
            ? (kernel.K(X) + second.transpose(0, 1).matmul(second) - first.transpose(0, 1).matmul(first)).unsqueeze(0).expand(outputs, -1, -1).clone()
            : (kernel.Kdiag(X) + second.square().sum(0L) - first.square().sum(0L)).unsqueeze(1).expand(-1, outputs).clone();
        return (mean, variance);
    }

    /// <summary>A = L⁻¹ Kuf / σ, the Cholesky factor of B = I + A Aᵀ, and c = L_B⁻¹ A (Y − m) / σ; null when a factorisation fails.</summary>
    private (Tensor A, Tensor CholeskyB, Tensor C)? TryFactors()
    {
        var sigma = likelihood.VarianceTensor.sqrt();
        if (TryKuuCholesky() is not { } kuuCholesky) return null;
        var a = linalg.solve_triangular(kuuCholesky, kernel.K(inducingInputs, inputs), upper: false) / sigma;
        var m = inducingInputs.shape[0];
        var b = a.matmul(a.transpose(0, 1)) + eye(m, dtype: float64, device: a.device);
        var (choleskyB, info) = linalg.cholesky_ex(b, check_errors: false);
        if (info.any().item<bool>()) return null;
        var c = linalg.solve_triangular(choleskyB, a.matmul(targets - meanFunction.forward(inputs)), upper: false) / sigma;
        return (a, choleskyB, c);
    }

    /// <summary>The lower Cholesky factor of Kuu + jitter · I, or null when it is not positive definite.</summary>
    private Tensor? TryKuuCholesky()
    {
        var kuu = kernel.K(inducingInputs);
        var (factor, info) = linalg.cholesky_ex(kuu + jitter * eye(kuu.shape[0], dtype: kuu.dtype, device: kuu.device), check_errors: false);
        return info.any().item<bool>() ? null : factor;
    }
}
