namespace Latent.Gp;

/// <summary>The Golub–Welsch method shared by the Gaussian quadrature rules: nodes and weights from a symmetric tridiagonal Jacobi matrix.</summary>
internal static class GolubWelsch
{
    /// <summary>
    /// The n-point rule whose Jacobi matrix has zero diagonal and off-diagonal entries <paramref name="offDiagonal"/>(k), k = 1…n−1:
    /// the nodes are its eigenvalues, the weights <paramref name="mass"/> (the weight function's integral) times the squared
    /// first components of its eigenvectors.
    /// </summary>
    public static (double[] Nodes, double[] Weights) Rule(string name, int points, Func<int, double> offDiagonal, double mass)
    {
        if (points < 1 || points > 200) throw new LatentException($"{name} needs between 1 and 200 points, got {points}");
        var jacobi = new double[points * points];
        for (var k = 1; k < points; k++)
        {
            jacobi[(k - 1) * points + k] = offDiagonal(k);
            jacobi[k * points + k - 1] = offDiagonal(k);
        }
        using var matrix = tensor(jacobi, [points, points], dtype: float64);
        var (values, vectors) = linalg.eigh(matrix);
        using (values)
        using (vectors)
        {
            using var first = vectors[0];
            return (values.data<double>().ToArray(), first.data<double>().Select(v => mass * v * v).ToArray());
        }
    }
}
