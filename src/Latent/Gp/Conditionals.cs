namespace Latent.Gp;

/// <summary>The Gaussian conditional q(f*) = ∫ p(f* | u) q(u) du used by sparse GPs (Titsias 2009; Hensman et al. 2013, eq. 7).</summary>
public static class Conditionals
{
    /// <summary>
    /// Mean [N, L] and variance ([N, L], or [L, N, N] when fullCov) of f* given q(u) = N(m, S):
    /// with A = Lₘ⁻¹ Kₘₙ, mean = Aᵀ m (whitened) or (Lₘ⁻ᵀ A)ᵀ m, covariance = Kₙₙ − AᵀA + Aᵀ S A
    /// (for a diagonal S and marginal variances, (A∘A)ᵀ diag(S) as one matrix product).
    /// qMean is [M, L]; qSqrt is the lower Cholesky factor of S, [L, M, M], or its diagonal square roots [M, L];
    /// knn is the prior variance [N] (or covariance [N, N] when fullCov).
    /// </summary>
    public static (Tensor Mean, Tensor Variance) Conditional(Tensor kmn, Tensor kmmCholesky, Tensor knn, Tensor qMean, Tensor qSqrt, bool fullCov, bool whiten)
    {
        var m = kmn.shape[0];
        if (kmmCholesky.dim() != 2 || kmmCholesky.shape[0] != m || kmmCholesky.shape[1] != m)
            throw new LatentException($"conditional: Kmm Cholesky must be [{m}, {m}], got [{string.Join(", ", kmmCholesky.shape)}]");
        if (qMean.dim() != 2 || qMean.shape[0] != m) throw new LatentException($"conditional: q mean must be [{m}, L], got [{string.Join(", ", qMean.shape)}]");
        var latents = qMean.shape[1];
        var diagonalQ = qSqrt.dim() == 2;
        if (diagonalQ ? !qSqrt.shape.SequenceEqual(qMean.shape) : !qSqrt.shape.SequenceEqual(new[] { latents, m, m }))
            throw new LatentException($"conditional: q sqrt must be [{m}, {latents}] or [{latents}, {m}, {m}], got [{string.Join(", ", qSqrt.shape)}]");

        var a = linalg.solve_triangular(kmmCholesky, kmn, upper: false);
        if (diagonalQ && !fullCov && whiten)
            return (a.transpose(0, 1).matmul(qMean), knn.unsqueeze(1) + a.square().transpose(0, 1).matmul(qSqrt.square() - 1.0));
        Tensor variance = fullCov ? knn - a.transpose(0, 1).matmul(a) : knn - a.square().sum(0L);
        if (!whiten) a = linalg.solve_triangular(kmmCholesky.transpose(0, 1), a, upper: true);
        var mean = a.transpose(0, 1).matmul(qMean);

        if (diagonalQ && !fullCov)
            return (mean, variance.unsqueeze(1) + a.square().transpose(0, 1).matmul(qSqrt.square()));
        var sqrtTransposeA = diagonalQ
            ? qSqrt.transpose(0, 1).unsqueeze(2) * a.unsqueeze(0)
            : torch.tril(qSqrt).transpose(1, 2).matmul(a);
        if (fullCov)
            variance = variance.unsqueeze(0) + sqrtTransposeA.transpose(1, 2).matmul(sqrtTransposeA);
        else
            variance = variance.unsqueeze(1) + sqrtTransposeA.square().sum(1).transpose(0, 1);
        return (mean, variance);
    }
}
