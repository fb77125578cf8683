using Latent.Gp.Kernels;
using static TorchSharp.torch;

namespace Latent.Tests.Gp;

public class PeriodicAndRationalQuadraticTests
{
    private static readonly double[] Lengthscales = [0.7, 1.3, 2.1];

    public PeriodicAndRationalQuadraticTests() => LatentRuntime.Initialize();

    private static void AssertMatches(Kernel kernel, Func<double[], double[], double> reference)
    {
        var random = new Random(11);
        var x = Dense.Random(5, 3, random);
        var x2 = Dense.Random(4, 3, random);
        using var tx = Dense.ToTensor(x);
        using var tx2 = Dense.ToTensor(x2);
        var cross = Dense.ToMatrix(kernel.K(tx, tx2));
        var self = Dense.ToMatrix(kernel.K(tx));
        var diagonal = kernel.Kdiag(tx).data<double>().ToArray();
        double[] Row(double[,] m, int i) => Enumerable.Range(0, 3).Select(d => m[i, d]).ToArray();
        for (var i = 0; i < 5; i++)
        {
            for (var j = 0; j < 4; j++) Assert.Equal(reference(Row(x, i), Row(x2, j)), cross[i, j], 1e-12);
            for (var j = 0; j < 5; j++) Assert.Equal(reference(Row(x, i), Row(x, j)), self[i, j], 1e-12);
            Assert.Equal(reference(Row(x, i), Row(x, i)), diagonal[i], 1e-12);
        }
    }

    [Fact]
    public void RationalQuadraticMatchesItsFormula()
    {
        using var kernel = new RationalQuadratic(1.7, Lengthscales, alpha: 0.8);
        AssertMatches(kernel, (a, b) =>
        {
            var r2 = Enumerable.Range(0, 3).Sum(d => Math.Pow((a[d] - b[d]) / Lengthscales[d], 2));
            return 1.7 * Math.Pow(1 + r2 / (2 * 0.8), -0.8);
        });
        Assert.Equal(0.8, kernel.Alpha, 12);
    }

    [Fact]
    public void PeriodicMatchesItsFormulaAndRepeatsEveryPeriod()
    {
        using var kernel = new Periodic(1.7, Lengthscales, period: 1.9);
        AssertMatches(kernel, (a, b) =>
            1.7 * Math.Exp(-0.5 * Enumerable.Range(0, 3).Sum(d => Math.Pow(Math.Sin(Math.PI * (a[d] - b[d]) / 1.9) / Lengthscales[d], 2))));
        using var x = tensor(new[] { 0.3, -0.2, 0.5 }, [1, 3], dtype: float64);
        using var shifted = x + tensor(new[] { 1.9, -3.8, 5.7 }, dtype: float64);
        Assert.Equal(1.7, kernel.K(x, shifted).item<double>(), 10);
    }

    [Fact]
    public void TheSpecNamesBothAndGradientsReachEveryParameter()
    {
        using var kernel = KernelSpec.Parse("periodic+rq", 3, ard: true);
        using var x = Dense.ToTensor(Dense.Random(6, 3, new Random(3)));
        kernel.K(x).sum().backward();
        Assert.Equal(6, kernel.parameters().Count());
        Assert.All(kernel.parameters(), p => Assert.True(p.grad is not null && p.grad.abs().sum().item<double>() > 0));
    }
}
