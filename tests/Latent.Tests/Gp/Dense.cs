using static TorchSharp.torch;

namespace Latent.Tests.Gp;

/// <summary>Plain-double linear algebra used as an independent reference for the tensor code under test.</summary>
internal static class Dense
{
    public static double[,] ToMatrix(Tensor t)
    {
        var values = t.detach().cpu().to(float64).contiguous().data<double>().ToArray();
        var rows = (int)t.shape[0];
        var cols = (int)t.shape[1];
        var m = new double[rows, cols];
        for (var i = 0; i < rows; i++)
        for (var j = 0; j < cols; j++) m[i, j] = values[i * cols + j];
        return m;
    }

    public static Tensor ToTensor(double[,] m)
    {
        var rows = m.GetLength(0);
        var cols = m.GetLength(1);
        var values = new double[rows * cols];
        for (var i = 0; i < rows; i++)
        for (var j = 0; j < cols; j++) values[i * cols + j] = m[i, j];
        return tensor(values, [rows, cols], dtype: float64);
    }

    public static double[,] Random(int rows, int cols, Random random)
    {
        var m = new double[rows, cols];
        for (var i = 0; i < rows; i++)
        for (var j = 0; j < cols; j++) m[i, j] = random.NextDouble() * 2 - 1;
        return m;
    }

    public static double[,] Multiply(double[,] a, double[,] b)
    {
        var n = a.GetLength(0);
        var k = a.GetLength(1);
        var m = b.GetLength(1);
        var c = new double[n, m];
        for (var i = 0; i < n; i++)
        for (var j = 0; j < m; j++)
        {
            var s = 0.0;
            for (var l = 0; l < k; l++) s += a[i, l] * b[l, j];
            c[i, j] = s;
        }
        return c;
    }

    public static double[,] Transpose(double[,] a)
    {
        var t = new double[a.GetLength(1), a.GetLength(0)];
        for (var i = 0; i < a.GetLength(0); i++)
        for (var j = 0; j < a.GetLength(1); j++) t[j, i] = a[i, j];
        return t;
    }

    public static double[,] AddDiagonal(double[,] a, double value)
    {
        var c = (double[,])a.Clone();
        for (var i = 0; i < a.GetLength(0); i++) c[i, i] += value;
        return c;
    }

    /// <summary>A well-conditioned symmetric positive-definite matrix B Bᵀ + I.</summary>
    public static double[,] RandomSpd(int n, Random random)
    {
        var b = Random(n, n, random);
        return AddDiagonal(Multiply(b, Transpose(b)), 1.0);
    }

    /// <summary>The Cholesky–Banachiewicz factorisation A = L Lᵀ.</summary>
    public static double[,] Cholesky(double[,] a)
    {
        var n = a.GetLength(0);
        var l = new double[n, n];
        for (var i = 0; i < n; i++)
        for (var j = 0; j <= i; j++)
        {
            var s = a[i, j];
            for (var k = 0; k < j; k++) s -= l[i, k] * l[j, k];
            l[i, j] = i == j ? Math.Sqrt(s) : s / l[j, j];
        }
        return l;
    }

    /// <summary>A⁻¹ by Gauss–Jordan elimination with partial pivoting.</summary>
    public static double[,] Inverse(double[,] a)
    {
        var n = a.GetLength(0);
        var w = new double[n, 2 * n];
        for (var i = 0; i < n; i++)
        {
            for (var j = 0; j < n; j++) w[i, j] = a[i, j];
            w[i, n + i] = 1;
        }
        for (var c = 0; c < n; c++)
        {
            var pivot = c;
            for (var r = c + 1; r < n; r++) if (Math.Abs(w[r, c]) > Math.Abs(w[pivot, c])) pivot = r;
            for (var j = 0; j < 2 * n; j++) (w[c, j], w[pivot, j]) = (w[pivot, j], w[c, j]);
            var p = w[c, c];
            for (var j = 0; j < 2 * n; j++) w[c, j] /= p;
            for (var r = 0; r < n; r++)
            {
                if (r == c) continue;
                var f = w[r, c];
                for (var j = 0; j < 2 * n; j++) w[r, j] -= f * w[c, j];
            }
        }
        var inv = new double[n, n];
        for (var i = 0; i < n; i++)
        for (var j = 0; j < n; j++) inv[i, j] = w[i, n + j];
        return inv;
    }

    /// <summary>log det of a symmetric positive-definite matrix via its Cholesky factor.</summary>
    public static double LogDet(double[,] a)
    {
        var l = Cholesky(a);
        var s = 0.0;
        for (var i = 0; i < a.GetLength(0); i++) s += 2 * Math.Log(l[i, i]);
        return s;
    }

    /// <summary>Φ(x) by composite Simpson integration of the standard normal density from −40 to x.</summary>
    public static double NormalCdf(double x)
    {
        if (x <= -40) return 0;
        const int intervals = 2000;
        var a = -40.0;
        var h = (x - a) / intervals;
        var s = Density(a) + Density(x);
        for (var i = 1; i < intervals; i++) s += (i % 2 == 1 ? 4 : 2) * Density(a + i * h);
        return s * h / 3;
    }

    /// <summary>∫ g(f) N(f | mean, variance) df by composite Simpson integration over ±10 standard deviations.</summary>
    public static double GaussianExpectation(Func<double, double> g, double mean, double variance)
    {
        var sd = Math.Sqrt(variance);
        const int intervals = 2000;
        var a = mean - 10 * sd;
        var h = 20 * sd / intervals;
        var s = 0.0;
        for (var i = 0; i <= intervals; i++)
        {
            var f = a + i * h;
            var weight = i == 0 || i == intervals ? 1 : i % 2 == 1 ? 4 : 2;
            s += weight * g(f) * Density((f - mean) / sd) / sd;
        }
        return s * h / 3;
    }

    private static double Density(double x) => Math.Exp(-0.5 * x * x) / Math.Sqrt(2 * Math.PI);
}
