namespace Latent.Gp;

/// <summary>Gauss–Hermite quadrature: ∫ f(x) exp(−x²) dx ≈ Σᵢ wᵢ f(xᵢ), exact for polynomials of degree ≤ 2n − 1, and its tensor-product grid in several dimensions.</summary>
public sealed class GaussHermite
{
    private readonly double[] nodes;
    private readonly double[] weights;

    /// <summary>Computes the n-point rule by the Golub–Welsch method: the nodes are the eigenvalues of the Hermite Jacobi matrix, the weights √π times the squared first components of its eigenvectors.</summary>
    public GaussHermite(int points) =>
        (nodes, weights) = GolubWelsch.Rule("Gauss-Hermite", points, k => Math.Sqrt(k / 2.0), Math.Sqrt(Math.PI));

    /// <summary>The number of points n.</summary>
    public int Points => nodes.Length;

    /// <summary>The nodes xᵢ, ascending.</summary>
    public IReadOnlyList<double> Nodes => nodes;

    /// <summary>The weights wᵢ for the weight function exp(−x²); they sum to √π.</summary>
    public IReadOnlyList<double> Weights => weights;

    /// <summary>Approximates ∫ f(x) exp(−x²) dx.</summary>
    public double Integrate(Func<double, double> f) => nodes.Zip(weights, (x, w) => w * f(x)).Sum();

    /// <summary>The nodes [n^d, d] and weights [n^d] of the d-dimensional tensor-product rule for ∫ f(x) exp(−‖x‖²) dx.</summary>
    public (Tensor Nodes, Tensor Weights) Grid(int dimensions, Device? device = null)
    {
        if (dimensions < 1) throw new LatentException($"Gauss-Hermite grid needs at least one dimension, got {dimensions}");
        var count = (long)Math.Pow(Points, dimensions);
        if (count > 10_000_000) throw new LatentException($"Gauss-Hermite grid of {Points}^{dimensions} points is too large");
        var gridNodes = new double[count * dimensions];
        var gridWeights = new double[count];
        for (long i = 0; i < count; i++)
        {
            var rest = i;
            var weight = 1.0;
            for (var d = dimensions - 1; d >= 0; d--)
            {
                var index = (int)(rest % Points);
                rest /= Points;
                gridNodes[i * dimensions + d] = nodes[index];
                weight *= weights[index];
            }
            gridWeights[i] = weight;
        }
        return (tensor(gridNodes, [count, dimensions], dtype: float64, device: device), tensor(gridWeights, dtype: float64, device: device));
    }

    /// <summary>E[f(x)] under independent Gaussians x ~ N(mean, variance), both [N, d]; f maps points [n^d, N, d] to values [n^d, N, …]; the result is [N, …].</summary>
    public Tensor Expectation(Func<Tensor, Tensor> f, Tensor mean, Tensor variance)
    {
        if (mean.dim() != 2 || !mean.shape.SequenceEqual(variance.shape))
            throw new LatentException($"Gauss-Hermite expectation needs mean and variance of equal shape [N, d], got [{string.Join(", ", mean.shape)}] and [{string.Join(", ", variance.shape)}]");
        var dimensions = (int)mean.shape[1];
        var (gridNodes, gridWeights) = Grid(dimensions, mean.device);
        var points = mean.unsqueeze(0) + (2.0 * variance).sqrt().unsqueeze(0) * gridNodes.unsqueeze(1);
        var values = f(points);
        var scaledWeights = gridWeights / Math.Pow(Math.PI, dimensions / 2.0);
        var shape = new long[values.dim()];
        Array.Fill(shape, 1L);
        shape[0] = scaledWeights.shape[0];
        return (values * scaledWeights.reshape(shape)).sum(0L);
    }
}
