namespace Latent.Vae;

/// <summary>
/// The two terms of the evidence lower bound per example: ELBO = E_q[log p(x|z)] - KL(q(z|x) || p(z))
/// (Kingma and Welling 2014, eq. 7), the expectation estimated with reparameterized samples.
/// </summary>
/// <param name="Reconstruction">Monte Carlo estimate of E_q[log p(x|z)], shape [B].</param>
/// <param name="Kl">Analytic KL(q(z|x) || N(0, I)), shape [B].</param>
public sealed record ElboTerms(Tensor Reconstruction, Tensor Kl)
{
    /// <summary>The ELBO per example, shape [B].</summary>
    public Tensor Elbo => Reconstruction - Kl;
}
