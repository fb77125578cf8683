using Latent.Gp.Kernels;
using Latent.Gp.Likelihoods;
using Latent.Gp.MeanFunctions;

namespace Latent.Gp.Models;

/// <summary>
/// The sparse variational GP (Hensman et al. 2013, 2015): L latent GPs sharing one kernel, inducing inputs Z [M, D],
/// q(u) = N(m, S) per latent GP, and the minibatch ELBO (N/B) Σ_batch E_q[log p(y | f)] − KL(q(u) ‖ p(u)).
/// Its forward returns the latent predictive mean and variance [N, L].
/// </summary>
public sealed class Svgp : GpModel
{
    private const int PredictionChunk = 2048;

    private readonly Kernel kernel;
    private readonly Likelihood likelihood;
    private readonly MeanFunction meanFunction;
    private readonly TorchSharp.Modules.Parameter inducingInputs;
    private readonly TorchSharp.Modules.Parameter qMean;
    private readonly ConstrainedParameter qSqrt;
    private readonly double jitter;

    /// <summary>
    /// Creates the model for dataCount training points. q(u) starts at the prior: m = 0 and S = I (whitened) or S = Kmm.
    /// The square root of S is a constrained parameter: positive with a diagonal q, lower-triangular (the Cholesky factor) with a full q.
    /// With a float32 <see cref="SvgpOptions.Dtype"/> the whole model, the given kernel and likelihood included, is converted to float32.
    /// The model lives on the device of <paramref name="inducingInputs"/>; the kernel, likelihood and mean function are moved there.
    /// </summary>
    public Svgp(Kernel kernel, Likelihood likelihood, Tensor inducingInputs, int latentCount, long dataCount, SvgpOptions? options = null)
        : base(nameof(Svgp))
    {
        options ??= new SvgpOptions();
        if (inducingInputs.dim() != 2 || inducingInputs.shape[0] < 1) throw new LatentException($"SVGP: inducing inputs must be a non-empty matrix [M, D], got [{string.Join(", ", inducingInputs.shape)}]");
        if (latentCount < 1) throw new LatentException($"SVGP: needs at least one latent GP, got {latentCount}");
        if (dataCount < 1) throw new LatentException($"SVGP: the training-set size must be positive, got {dataCount}");
        if (options.Dtype is not (ScalarType.Float64 or ScalarType.Float32)) throw new LatentException($"SVGP: the floating-point type must be float64 or float32, got {options.Dtype}");
        using (var nan = inducingInputs.isnan().any())
        {
            if (nan.item<bool>()) throw new LatentException("SVGP: inducing inputs contain NaN");
        }
        this.kernel = kernel;
        this.likelihood = likelihood;
        meanFunction = options.MeanFunction ?? new ZeroMean();
        jitter = options.Jitter;
        Whiten = options.Whiten;
        QDiagonal = options.QDiagonal;
        Dtype = options.Dtype;
        LatentCount = latentCount;
        DataCount = dataCount;
        var device = inducingInputs.device;
        kernel.to(device);
        if (Dtype != ScalarType.Float64) kernel.to(Dtype);

        var m = inducingInputs.shape[0];
        this.inducingInputs = new TorchSharp.Modules.Parameter(inducingInputs.detach().to(Dtype).clone(), requires_grad: options.TrainInducingInputs);
        qMean = new TorchSharp.Modules.Parameter(zeros(m, latentCount, dtype: Dtype, device: device), requires_grad: true);
        using (no_grad())
        {
            if (QDiagonal)
            {
                var scale = Whiten ? ones(m, dtype: Dtype, device: device) : kernel.Kdiag(this.inducingInputs).sqrt();
                qSqrt = ConstrainedParameter.Positive(scale.unsqueeze(1).expand(m, latentCount), "SVGP: the square roots of q(u)'s variances");
            }
            else
            {
                var factor = Whiten ? eye(m, dtype: Dtype, device: device) : CholeskyOf(kernel.K(this.inducingInputs));
                qSqrt = ConstrainedParameter.LowerTriangular(factor.unsqueeze(0).expand(latentCount, m, m));
            }
        }
        RegisterComponents();
        this.to(device); // the likelihood and mean function follow Z's device
        if (Dtype != ScalarType.Float64) this.to(Dtype); // q(u)'s constrained storage starts as float64; the likelihood and mean function follow
    }

    /// <summary>Whether q(u) is parameterised in whitened coordinates.</summary>
    public bool Whiten { get; }

    /// <summary>Whether q(u) has a diagonal covariance.</summary>
    public bool QDiagonal { get; }

    /// <summary>The floating-point type of the parameters and of the inputs the model reads (float64 or float32).</summary>
    public ScalarType Dtype { get; }

    /// <summary>The number of latent GPs L.</summary>
    public int LatentCount { get; }

    /// <summary>The training-set size N that scales the minibatch ELBO.</summary>
    public long DataCount { get; }

    /// <summary>The shared kernel.</summary>
    public Kernel Kernel => kernel;

    /// <summary>The likelihood.</summary>
    public override Likelihood Likelihood => likelihood;

    /// <summary>The number of inducing points M.</summary>
    public long InducingCount => inducingInputs.shape[0];

    /// <summary>A detached copy of the inducing inputs Z [M, D].</summary>
    public Tensor InducingInputs => inducingInputs.detach().clone();

    /// <summary>The variational mean m [M, L] (whitened coordinates when Whiten), detached.</summary>
    public Tensor VariationalMean => qMean.detach().clone();

    /// <summary>The Cholesky factor of S, [L, M, M], or the diagonal square roots [M, L] when QDiagonal, detached.</summary>
    public Tensor VariationalSqrt
    {
        get
        {
            using var noGrad = no_grad();
            return CurrentSqrt().detach().clone();
        }
    }

    /// <summary>Sets q(u) directly (e.g. to an analytic optimum): mean [M, L], and a lower Cholesky factor [L, M, M] or diagonal square roots [M, L].</summary>
    public void AssignVariational(Tensor mean, Tensor sqrt)
    {
        if (!mean.shape.SequenceEqual(qMean.shape)) throw new LatentException($"SVGP: variational mean must be [{string.Join(", ", qMean.shape)}], got [{string.Join(", ", mean.shape)}]");
        if (!sqrt.shape.SequenceEqual(qSqrt.Shape)) throw new LatentException($"SVGP: variational sqrt must be [{string.Join(", ", qSqrt.Shape)}], got [{string.Join(", ", sqrt.shape)}]");
        if (QDiagonal && (sqrt <= 0).any().item<bool>()) throw new LatentException("SVGP: diagonal variational square roots must be positive");
        using var noGrad = no_grad();
        qMean.copy_(mean.to(Dtype));
        qSqrt.Assign(sqrt);
    }

    /// <summary>
    /// A model with a full-covariance q(u) that starts exactly where this diagonal one is (S = diag(s²), same m), sharing this
    /// model's kernel and likelihood and copying Z; used to keep training a diagonal-q model with a full q.
    /// </summary>
    public Svgp WithFullCovariance()
    {
        if (!QDiagonal) throw new LatentException("SVGP: q(u) already has a full covariance");
        var options = new SvgpOptions { Whiten = Whiten, QDiagonal = false, TrainInducingInputs = inducingInputs.requires_grad, MeanFunction = meanFunction, Jitter = jitter, Dtype = Dtype };
        using var z = InducingInputs;
        var full = new Svgp(kernel, likelihood, z, LatentCount, DataCount, options);
        using var mean = VariationalMean;
        using var sqrt = VariationalSqrt;
        using var factor = sqrt.transpose(0, 1).diag_embed();
        full.AssignVariational(mean, factor);
        return full;
    }

    /// <summary>Whether a parameter is one of q(u)'s (m or the square root of S), which a natural-gradient step updates instead of the optimiser.</summary>
    public bool IsVariational(TorchSharp.Modules.Parameter parameter) => ReferenceEquals(parameter, qMean) || ReferenceEquals(parameter, qSqrt.Unconstrained);

    /// <summary>The variational mean m [M, L] itself (trainable), for natural-gradient steps.</summary>
    internal TorchSharp.Modules.Parameter QMean => qMean;

    /// <summary>The square root of S itself (positive [M, L] or lower-triangular [L, M, M]), for natural-gradient steps.</summary>
    internal ConstrainedParameter QSqrt => qSqrt;

    /// <summary>KL(q(u) ‖ p(u)) summed over the latent GPs.</summary>
    public Tensor PriorKl() => GaussKl.Divergence(qMean, CurrentSqrt(), Whiten ? null : KmmCholesky());

    /// <summary>The minibatch estimate of the ELBO: (N / B) Σ_batch E_q[log p(y | f)] − KL. X is [B, D] in <see cref="Dtype"/>.</summary>
    public Tensor Elbo(Tensor X, Tensor y)
    {
        var cholesky = KmmCholesky();
        var (mean, variance) = Marginals(X, cholesky, fullCov: false);
        var expectations = likelihood.VariationalExpectations(mean, variance, y);
        var kl = GaussKl.Divergence(qMean, CurrentSqrt(), Whiten ? null : cholesky);
        return expectations.sum() * ((double)DataCount / X.shape[0]) - kl;
    }

    /// <summary>The latent predictive mean [N, L] and variance: [N, L], or covariance [L, N, N] when fullCov.</summary>
    public override (Tensor Mean, Tensor Variance) PredictF(Tensor X, bool fullCov = false)
    {
        using var noGrad = no_grad();
        var cholesky = KmmCholesky();
        if (fullCov || X.shape[0] <= PredictionChunk) return Marginals(X, cholesky, fullCov);
        var parts = X.split(PredictionChunk).Select(chunk => Marginals(chunk, cholesky, fullCov: false)).ToArray();
        return (cat(parts.Select(p => p.Mean).ToArray(), 0), cat(parts.Select(p => p.Variance).ToArray(), 0));
    }

    /// <summary>Samples of the latent functions [n, N, L]: jointly over the N inputs when fullCov (as GPflow), else from the marginals.</summary>
    public Tensor PredictFSamples(Tensor X, int count, Generator? generator = null, bool fullCov = true)
    {
        if (count < 1) throw new LatentException($"SVGP: sample count must be positive, got {count}");
        using var noGrad = no_grad();
        var (mean, variance) = PredictF(X, fullCov);
        var rows = mean.shape[0];
        if (!fullCov)
        {
            var noise = randn([count, rows, LatentCount], dtype: mean.dtype, device: mean.device, generator: generator);
            return mean.unsqueeze(0) + variance.sqrt().unsqueeze(0) * noise;
        }
        var factor = linalg.cholesky(variance + jitter * eye(rows, dtype: mean.dtype, device: mean.device));
        var standard = randn([LatentCount, rows, count], dtype: mean.dtype, device: mean.device, generator: generator);
        var correlated = factor.matmul(standard);
        return mean.unsqueeze(0) + correlated.permute(2, 1, 0);
    }

    /// <summary>The lower Cholesky factor of Kmm + jitter · I.</summary>
    public Tensor KmmCholesky() => CholeskyOf(kernel.K(inducingInputs));

    private (Tensor Mean, Tensor Variance) Marginals(Tensor X, Tensor cholesky, bool fullCov)
    {
        if (X.dim() != 2 || X.shape[1] != inducingInputs.shape[1])
            throw new LatentException($"SVGP: inputs must be [N, {inducingInputs.shape[1]}], got [{string.Join(", ", X.shape)}]");
        var kmn = kernel.K(inducingInputs, X);
        var knn = fullCov ? kernel.K(X) : kernel.Kdiag(X);
        var (mean, variance) = Conditionals.Conditional(kmn, cholesky, knn, qMean, CurrentSqrt(), fullCov, Whiten);
        return (mean + meanFunction.forward(X), variance);
    }

    private Tensor CurrentSqrt() => qSqrt.Value;

    private Tensor CholeskyOf(Tensor kmm)
    {
        var (factor, info) = linalg.cholesky_ex(kmm + jitter * eye(kmm.shape[0], dtype: kmm.dtype, device: kmm.device), check_errors: false);
        if (info.any().item<bool>()) throw new LatentException($"SVGP: Kmm is not positive definite with jitter {jitter} (duplicate inducing inputs or a degenerate kernel?)");
        return factor;
    }
}
