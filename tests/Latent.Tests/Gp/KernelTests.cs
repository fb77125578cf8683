using Latent.Gp.Kernels;
using static TorchSharp.torch;

namespace Latent.Tests.Gp;

public class KernelTests
{
    private static readonly double[] Lengthscales = [0.7, 1.3, 2.1];

    public KernelTests() => LatentRuntime.Initialize();

    private static (double[,] X, double[,] X2) Inputs()
    {
        var random = new Random(7);
        return (Dense.Random(5, 3, random), Dense.Random(4, 3, random));
    }

    private static double ScaledDistance(double[,] a, int i, double[,] b, int j, double[] lengthscales)
    {
        var s = 0.0;
        for (var d = 0; d < a.GetLength(1); d++)
        {
            var l = lengthscales.Length == 1 ? lengthscales[0] : lengthscales[d];
            var diff = (a[i, d] - b[j, d]) / l;
            s += diff * diff;
        }
        return Math.Sqrt(s);
    }

    private static void AssertKernelMatches(Kernel kernel, Func<double[,], int, double[,], int, double> reference, double[,] x, double[,] x2)
    {
        using var tx = Dense.ToTensor(x);
        using var tx2 = Dense.ToTensor(x2);
        var cross = Dense.ToMatrix(kernel.K(tx, tx2));
        var self = Dense.ToMatrix(kernel.K(tx));
        var diagonal = kernel.Kdiag(tx).data<double>().ToArray();
        for (var i = 0; i < x.GetLength(0); i++)
        {
            for (var j = 0; j < x2.GetLength(0); j++) Assert.Equal(reference(x, i, x2, j), cross[i, j], 1e-12);
            for (var j = 0; j < x.GetLength(0); j++) Assert.Equal(reference(x, i, x, j), self[i, j], 1e-12);
            Assert.Equal(reference(x, i, x, i), diagonal[i], 1e-12);
        }
    }

    public static TheoryData<string, bool> StationaryCases() => new()
    {
        { "se", true }, { "se", false }, { "m12", true }, { "m12", false },
        { "m32", true }, { "m32", false }, { "m52", true }, { "m52", false },
    };

    [Theory]
    [MemberData(nameof(StationaryCases))]
    public void StationaryKernelMatchesDoubleLoop(string name, bool ard)
    {
        const double variance = 1.7;
        var lengthscales = ard ? Lengthscales : [0.9];
        Kernel kernel = name switch
        {
            "se" => new SquaredExponential(variance, lengthscales),
            "m12" => new Matern12(variance, lengthscales),
            "m32" => new Matern32(variance, lengthscales),
            _ => new Matern52(variance, lengthscales),
        };
        Func<double, double> profile = name switch
        {
            "se" => r => variance * Math.Exp(-0.5 * r * r),
            "m12" => r => variance * Math.Exp(-r),
            "m32" => r => variance * (1 + Math.Sqrt(3) * r) * Math.Exp(-Math.Sqrt(3) * r),
            _ => r => variance * (1 + Math.Sqrt(5) * r + 5.0 / 3.0 * r * r) * Math.Exp(-Math.Sqrt(5) * r),
        };
        var (x, x2) = Inputs();
        AssertKernelMatches(kernel, (a, i, b, j) => profile(ScaledDistance(a, i, b, j, lengthscales)), x, x2);
    }

    [Fact]
    public void WhiteLinearAndConstantMatchDoubleLoop()
    {
        var (x, x2) = Inputs();
        using var tx = Dense.ToTensor(x);
        using var tx2 = Dense.ToTensor(x2);
        var white = new White(0.3);
        var whiteSelf = Dense.ToMatrix(white.K(tx));
        for (var i = 0; i < 5; i++)
        for (var j = 0; j < 5; j++) Assert.Equal(i == j ? 0.3 : 0.0, whiteSelf[i, j], 1e-12);
        Assert.Equal(0.0, white.K(tx, tx2).abs().max().item<double>());

        AssertKernelMatches(new Linear(0.8), (a, i, b, j) =>
        {
            var s = 0.0;
            for (var d = 0; d < 3; d++) s += a[i, d] * b[j, d];
            return 0.8 * s;
        }, x, x2);
        AssertKernelMatches(new Constant(2.5), (_, _, _, _) => 2.5, x, x2);
    }

    [Fact]
    public void SumAndProductRespectActiveDimensions()
    {
        var (x, x2) = Inputs();
        var se = new SquaredExponential(1.2, [0.5], activeDims: [0]);
        var linear = new Linear(0.4, activeDims: [1, 2]);
        double SeRef(double[,] a, int i, double[,] b, int j) => 1.2 * Math.Exp(-0.5 * Math.Pow((a[i, 0] - b[j, 0]) / 0.5, 2));
        double LinRef(double[,] a, int i, double[,] b, int j) => 0.4 * (a[i, 1] * b[j, 1] + a[i, 2] * b[j, 2]);
        AssertKernelMatches(se + linear, (a, i, b, j) => SeRef(a, i, b, j) + LinRef(a, i, b, j), x, x2);
        AssertKernelMatches(se * linear, (a, i, b, j) => SeRef(a, i, b, j) * LinRef(a, i, b, j), x, x2);
    }

    [Fact]
    public void ConstrainedValuesAreReadableAndStateDictHoldsRawParameters()
    {
        var kernel = new Matern52(2.5, Lengthscales) + new White(0.01);
        var matern = (Matern52)((Sum)kernel).Kernels[0];
        Assert.Equal(2.5, matern.Variance, 1e-12);
        Assert.Equal(Lengthscales, matern.Lengthscales.Select(l => Math.Round(l, 12)).ToArray());
        Assert.True(matern.IsArd);
        Assert.Equal(0.01, ((White)((Sum)kernel).Kernels[1]).Variance, 1e-12);
        var keys = kernel.state_dict().Keys.ToList();
        Assert.Contains("parts.0.lengthscales.unconstrained", keys);
        Assert.Contains("parts.1.variance.unconstrained", keys);
        Assert.Equal(3, kernel.parameters().Count());
    }

    [Fact]
    public void MaternGradientIsFiniteAtZeroDistance()
    {
        var kernel = new Matern12(1.0, Lengthscales);
        using var x = tensor(new double[] { 0.1, 0.2, 0.3, 0.1, 0.2, 0.3 }, [2, 3], dtype: float64, requires_grad: true);
        kernel.K(x).sum().backward();
        Assert.False(x.grad!.isnan().any().item<bool>());
        foreach (var p in kernel.parameters()) Assert.False(p.grad!.isnan().any().item<bool>());
    }

    [Fact]
    public void BadInputsThrowLatentException()
    {
        var kernel = new SquaredExponential(1.0, Lengthscales);
        using var float32Input = zeros(4, 3);
        Assert.Throws<LatentException>(() => kernel.K(float32Input));
        using var wrongWidth = zeros(4, 2, dtype: float64);
        Assert.Throws<LatentException>(() => kernel.K(wrongWidth));
        using var vector = zeros(4, dtype: float64);
        Assert.Throws<LatentException>(() => kernel.Kdiag(vector));
        Assert.Throws<LatentException>(() => new SquaredExponential(-1.0));
        using var narrow = zeros(4, 1, dtype: float64);
        Assert.Throws<LatentException>(() => new Linear(1.0, activeDims: [2]).K(narrow));
    }

    [Fact]
    public void KernelSpecBuildsSumsOfProductsWithArd()
    {
        var kernel = KernelSpec.Parse("matern52 + se*linear", 3, ard: true, variance: 2.0, lengthscale: 0.5);
        var sum = Assert.IsType<Sum>(kernel);
        var matern = Assert.IsType<Matern52>(sum.Kernels[0]);
        Assert.Equal(new[] { 0.5, 0.5, 0.5 }, matern.Lengthscales.Select(l => Math.Round(l, 12)).ToArray());
        Assert.Equal(2.0, matern.Variance, 1e-12);
        var product = Assert.IsType<Product>(sum.Kernels[1]);
        Assert.IsType<SquaredExponential>(product.Kernels[0]);
        Assert.IsType<Linear>(product.Kernels[1]);
        Assert.False(((Stationary)KernelSpec.Parse("rbf", 3, ard: false)).IsArd);
        Assert.Throws<LatentException>(() => KernelSpec.Parse("matern72+white", 3, ard: false));
        Assert.Throws<LatentException>(() => KernelSpec.Parse("", 3, ard: false));
    }
}
