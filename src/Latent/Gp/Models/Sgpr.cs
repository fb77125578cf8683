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
    private readonly long rowsPerBlock;

    /// <summary>The largest block of the kernel between the inducing inputs and training rows formed at once: 16 MiB of float64, half glibc's largest mmap threshold.</summary>
    public const long BlockBytes = 16L << 20;

    /// <summary>
    /// Creates the model on training inputs X [N, D] and targets Y [N, L] (float64) with inducing inputs Z [M, D], noise variance σ²
    /// and Kuu's jitter; the N-side products run over blocks of <paramref name="rowsPerBlock"/> training rows (null: as many as fit
    /// in <see cref="BlockBytes"/>).
    /// </summary>
    public Sgpr(Kernel kernel, Tensor X, Tensor Y, Tensor Z, double noiseVariance = 1.0, bool trainInducingInputs = true, MeanFunction? meanFunction = null, double jitter = 1e-6,
        long? rowsPerBlock = null)
        : base(nameof(Sgpr))
    {
        if (X.dim() != 2 || Y.dim() != 2 || X.shape[0] != Y.shape[0])
            throw new LatentException($"SGPR: X must be [N, D] and Y [N, L] with the same N, got [{string.Join(", ", X.shape)}] and [{string.Join(", ", Y.shape)}]");
        if (Z.dim() != 2 || Z.shape[1] != X.shape[1] || Z.shape[0] < 1)
            throw new LatentException($"SGPR: inducing inputs must be [M, {X.shape[1]}], got [{string.Join(", ", Z.shape)}]");
        if (X.isnan().any().item<bool>() || Y.isnan().any().item<bool>()) throw new LatentException("SGPR: training data contain NaN");
        if (rowsPerBlock is < 1) throw new LatentException($"SGPR: rows per block must be ≥ 1, got {rowsPerBlock}");
        this.kernel = kernel;
        likelihood = new Gaussian(noiseVariance);
        this.meanFunction = meanFunction ?? new ZeroMean();
        this.jitter = jitter;
        this.rowsPerBlock = rowsPerBlock ?? Math.Max(1, BlockBytes / (sizeof(double) * Z.shape[0]));
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
    /// The collapsed bound log N(Y | m, Qff + σ²I) − tr(Kff − Qff) / 2σ² per output, summed over outputs, with Qff = Kfu Kuu⁻¹ Kuf
    /// (GPflow's SGPR.elbo, through B = I + A Aᵀ with A = L⁻¹ Kuf / σ), in O(N M²); NaN (still attached to the parameters) where Kuu
    /// is not positive definite, so that a line search backs off from such a point instead of stopping.
    /// </summary>
    public Tensor Elbo()
    {
        // The intermediates are released on return (autograd keeps what backward needs), so that an optimizer evaluating the bound
        // many times in one step does not hold every evaluation's buffers.
        using var scope = NewDisposeScope();
        if (TryFactors() is not var (_, choleskyB, c, traceAAt)) return (kernel.K(inducingInputs).sum() * likelihood.VarianceTensor.sum() * double.NaN).MoveToOuterDisposeScope();
        var n = inputs.shape[0];
        var outputs = targets.shape[1];
        var variance = likelihood.VarianceTensor;
        var traceTerm = 0.5 * outputs * (kernel.Kdiag(inputs).sum() / variance - traceAAt);
        return (-0.5 * n * outputs * Math.Log(2 * Math.PI) - outputs * choleskyB.diagonal().log().sum() - 0.5 * n * outputs * variance.log()
            - 0.5 * ResidualSquares() / variance + 0.5 * c.square().sum() - traceTerm).MoveToOuterDisposeScope();
    }

    /// <summary>The latent predictive mean [N*, L] and variance: [N*, L], or covariance [L, N*, N*] when fullCov.</summary>
    public override (Tensor Mean, Tensor Variance) PredictF(Tensor X, bool fullCov = false)
    {
        using var noGrad = no_grad();
        using var scope = NewDisposeScope();
        var (kuuCholesky, choleskyB, c, _) = TryFactors() ?? throw new LatentException($"SGPR: Kuu is not positive definite with jitter {jitter} (duplicate inducing inputs?)");
        var first = linalg.solve_triangular(kuuCholesky, kernel.K(inducingInputs, X), upper: false);
        var second = linalg.solve_triangular(choleskyB, first, upper: false);
        var mean = second.transpose(0, 1).matmul(c) + meanFunction.forward(X);
        var outputs = targets.shape[1];
        var variance = fullCov
            ? (kernel.K(X) + second.transpose(0, 1).matmul(second) - first.transpose(0, 1).matmul(first)).unsqueeze(0).expand(outputs, -1, -1).clone()
            : (kernel.Kdiag(X) + second.square().sum(0L) - first.square().sum(0L)).unsqueeze(1).expand(-1, outputs).clone();
        return (mean.MoveToOuterDisposeScope(), variance.MoveToOuterDisposeScope());
    }

    /// <summary>
    /// The Cholesky factor L of Kuu, the Cholesky factor of B = I + A Aᵀ, c = L_B⁻¹ A (Y − m) / σ and tr(A Aᵀ), with A = L⁻¹ Kuf / σ;
    /// null when a factorisation fails. A Aᵀ and A (Y − m) are summed over row blocks of A (<see cref="DataProducts"/>), so that A Aᵀ is
    /// a Gram matrix of the computed A and B stays positive definite however ill-conditioned Kuu is (forming L⁻¹ (Kuf Kfu) L⁻ᵀ instead
    /// amplifies rounding by 1/λmin(Kuu) and makes B indefinite when the kernel's lengthscales are long).
    /// </summary>
    private (Tensor Cholesky, Tensor CholeskyB, Tensor C, Tensor TraceAAt)? TryFactors()
    {
        if (TryKuuCholesky() is not { } kuuCholesky) return null;
        var noiseScale = likelihood.VarianceTensor.sqrt();
        var (aat, projection) = DataProducts(kuuCholesky, noiseScale);
        var m = inducingInputs.shape[0];
        var (choleskyB, info) = linalg.cholesky_ex(aat + eye(m, dtype: float64, device: aat.device), check_errors: false);
        if (info.any().item<bool>()) return null;
        var c = linalg.solve_triangular(choleskyB, projection, upper: false) / noiseScale;
        return (kuuCholesky, choleskyB, c, aat.diagonal().sum());
    }

    /// <summary>
    /// A Aᵀ [M, M] and A (Y − m) [M, L] with A = L⁻¹ Kuf / σ, summed over blocks of <see cref="rowsPerBlock"/> training rows so that no
    /// [M, N] matrix is formed: every block's buffers stay under <see cref="BlockBytes"/>, which the allocator reuses from one evaluation
    /// to the next instead of mapping (and page-faulting) fresh memory for each.
    /// </summary>
    private (Tensor AAt, Tensor Projection) DataProducts(Tensor kuuCholesky, Tensor noiseScale)
    {
        var n = inputs.shape[0];
        Tensor? aat = null, projection = null;
        for (long start = 0; start < n; start += rowsPerBlock)
        {
            using var block = NewDisposeScope();
            var length = Math.Min(rowsPerBlock, n - start);
            var x = inputs.narrow(0, start, length);
            var a = linalg.solve_triangular(kuuCholesky, kernel.K(inducingInputs, x), upper: false) / noiseScale;
            var residual = targets.narrow(0, start, length) - meanFunction.forward(x);
            aat = (aat is null ? a.matmul(a.transpose(0, 1)) : aat.addmm(a, a.transpose(0, 1))).MoveToOuterDisposeScope();
            projection = (projection is null ? a.matmul(residual) : projection.addmm(a, residual)).MoveToOuterDisposeScope();
        }
        return (aat!, projection!);
    }

    /// <summary>Σ ‖Y − m‖² over the training data.</summary>
    private Tensor ResidualSquares() => (targets - meanFunction.forward(inputs)).square().sum();

    /// <summary>The lower Cholesky factor of Kuu + jitter · I, or null when it is not positive definite.</summary>
    private Tensor? TryKuuCholesky()
    {
        var kuu = kernel.K(inducingInputs);
        var (factor, info) = linalg.cholesky_ex(kuu + jitter * eye(kuu.shape[0], dtype: kuu.dtype, device: kuu.device), check_errors: false);
        return info.any().item<bool>() ? null : factor;
    }
}
