namespace Latent.Gp;

/// <summary>KL(q(u) ‖ p(u)) summed over L independent latent GPs, q = N(m, S) and p = N(0, K) (or N(0, I) when whitened).</summary>
public static class GaussKl
{
    /// <summary>
    /// ½ Σₗ [tr(K⁻¹Sₗ) + mₗᵀK⁻¹mₗ − M + log|K| − log|Sₗ|]. qMean is [M, L]; qSqrt is the lower Cholesky factor
    /// of S, [L, M, M], or the diagonal square roots [M, L]; priorCholesky is the lower Cholesky factor of K, or null for K = I.
    /// </summary>
    public static Tensor Divergence(Tensor qMean, Tensor qSqrt, Tensor? priorCholesky)
    {
        if (qMean.dim() != 2) throw new LatentException($"KL: q mean must be [M, L], got {qMean.dim()} dimensions");
        var m = qMean.shape[0];
        var latents = qMean.shape[1];
        var diagonalQ = qSqrt.dim() == 2;
        if (diagonalQ ? !qSqrt.shape.SequenceEqual(qMean.shape) : !qSqrt.shape.SequenceEqual(new[] { latents, m, m }))
            throw new LatentException($"KL: q sqrt must be [{m}, {latents}] or [{latents}, {m}, {m}], got [{string.Join(", ", qSqrt.shape)}]");
        if (priorCholesky is not null && !priorCholesky.shape.SequenceEqual(new[] { m, m }))
            throw new LatentException($"KL: prior Cholesky must be [{m}, {m}], got [{string.Join(", ", priorCholesky.shape)}]");

        var sqrtDiagonal = diagonalQ ? qSqrt : torch.tril(qSqrt).diagonal(dim1: 1, dim2: 2).transpose(0, 1);
        var logDetQ = sqrtDiagonal.square().log().sum();

        Tensor mahalanobis, trace, logDetPrior;
        if (priorCholesky is null)
        {
            mahalanobis = qMean.square().sum();
            trace = diagonalQ ? qSqrt.square().sum() : torch.tril(qSqrt).square().sum();
            logDetPrior = zeros(1, dtype: qMean.dtype, device: qMean.device).sum();
        }
        else
        {
            mahalanobis = linalg.solve_triangular(priorCholesky, qMean, upper: false).square().sum();
            if (diagonalQ)
            {
                var inverse = linalg.solve_triangular(priorCholesky, eye(m, dtype: qMean.dtype, device: qMean.device), upper: false);
                trace = (inverse.square().sum(0L).unsqueeze(1) * qSqrt.square()).sum();
            }
            else
            {
                trace = linalg.solve_triangular(priorCholesky.unsqueeze(0), torch.tril(qSqrt), upper: false).square().sum();
            }
            logDetPrior = latents * priorCholesky.diagonal().square().log().sum();
        }
        return 0.5 * (mahalanobis + trace - m * latents + logDetPrior - logDetQ);
    }
}
