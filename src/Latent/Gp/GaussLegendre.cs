namespace Latent.Gp;

/// <summary>Gauss–Legendre quadrature on [−1, 1]: ∫ f(x) dx ≈ Σᵢ wᵢ f(xᵢ), exact for polynomials of degree ≤ 2n − 1.</summary>
public sealed class GaussLegendre
{
    private readonly double[] nodes;
    private readonly double[] weights;

    /// <summary>Computes the n-point rule by the Golub–Welsch method: nodes are the eigenvalues of the Legendre Jacobi matrix (off-diagonal k/√(4k² − 1)), weights 2 times the squared first components of its eigenvectors.</summary>
    public GaussLegendre(int points) =>
        (nodes, weights) = GolubWelsch.Rule("Gauss-Legendre", points, k => k / Math.Sqrt(4.0 * k * k - 1.0), 2.0);

    /// <summary>The number of points n.</summary>
    public int Points => nodes.Length;

    /// <summary>The nodes xᵢ in (−1, 1), ascending.</summary>
    public IReadOnlyList<double> Nodes => nodes;

    /// <summary>The weights wᵢ; they sum to 2.</summary>
    public IReadOnlyList<double> Weights => weights;

    /// <summary>Approximates ∫ f(x) dx over [<paramref name="from"/>, <paramref name="to"/>].</summary>
    public double Integrate(Func<double, double> f, double from = -1, double to = 1)
    {
        double half = (to - from) / 2, middle = (to + from) / 2;
        return half * nodes.Zip(weights, (x, w) => w * f(middle + half * x)).Sum();
    }
}
