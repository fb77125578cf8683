using Latent.Text;

namespace Latent.Tests.Text;

public class NegativeSamplingTests
{
    private const int Dimensions = 10;

    private static double LossByHand(double[] input, double[][] outputs)
    {
        double loss = 0;
        for (int k = 0; k < outputs.Length; k++)
        {
            double f = 0;
            for (int i = 0; i < Dimensions; i++) f += input[i] * outputs[k][i];
            double sign = k == 0 ? 1 : -1;
            loss += Math.Log(1 + Math.Exp(-sign * f));
        }
        return loss;
    }

    [Fact]
    public void StepMovesEveryRowAgainstTheFiniteDifferenceGradient()
    {
        var random = new Random(4);
        int stride = VectorMath.PaddedStride(Dimensions);
        int[] targets = [3, 0, 5, 1];
        var input = new float[4 * stride];
        var output = new float[6 * stride];
        for (int w = 0; w < 4; w++) for (int i = 0; i < Dimensions; i++) input[w * stride + i] = (float)(random.NextDouble() - 0.5);
        for (int w = 0; w < 6; w++) for (int i = 0; i < Dimensions; i++) output[w * stride + i] = (float)(random.NextDouble() - 0.5);
        const int inputRow = 2;
        double[] v = Enumerable.Range(0, Dimensions).Select(i => (double)input[inputRow * stride + i]).ToArray();
        double[][] u = targets.Select(t => Enumerable.Range(0, Dimensions).Select(i => (double)output[t * stride + i]).ToArray()).ToArray();

        const double h = 1e-6;
        double FiniteDifference(Action<double> perturb)
        {
            perturb(h);
            double plus = LossByHand(v, u);
            perturb(-2 * h);
            double minus = LossByHand(v, u);
            perturb(h);
            return (plus - minus) / (2 * h);
        }
        var inputGradient = Enumerable.Range(0, Dimensions).Select(i => FiniteDifference(d => v[i] += d)).ToArray();
        var outputGradients = Enumerable.Range(0, targets.Length)
            .Select(k => Enumerable.Range(0, Dimensions).Select(i => FiniteDifference(d => u[k][i] += d)).ToArray()).ToArray();

        Assert.Equal(LossByHand(v, u), NegativeSampling.Loss(input, inputRow * stride, output, targets, stride), 6);

        const float rate = 1e-3f;
        var before = (float[])output.Clone();
        var beforeInput = (float[])input.Clone();
        NegativeSampling.Step(input, inputRow * stride, new OutputRows(output, stride), targets, stride, rate, new float[stride]);
        // word2vec.c's σ table has 1000 cells on [−6, 6], so each σ is off by at most ~0.003; the tolerance allows for it.
        for (int i = 0; i < Dimensions; i++)
            Assert.Equal(-inputGradient[i], (input[inputRow * stride + i] - beforeInput[inputRow * stride + i]) / rate, 0.01);
        for (int k = 0; k < targets.Length; k++)
            for (int i = 0; i < Dimensions; i++)
                Assert.Equal(-outputGradients[k][i], (output[targets[k] * stride + i] - before[targets[k] * stride + i]) / rate, 0.01);
        Assert.Equal(beforeInput[..(inputRow * stride)], input[..(inputRow * stride)]);
        Assert.All(input.Where((_, i) => i % stride >= Dimensions), x => Assert.Equal(0f, x));
    }

    [Fact]
    public void UnigramTableDrawsCountsToThePowerThreeQuarters()
    {
        long[] counts = [1000, 300, 40, 5, 1];
        var table = new UnigramTable(counts);
        var random = new LinearCongruentialRandom(9);
        const int n = 200_000;
        var drawn = new int[counts.Length];
        for (int i = 0; i < n; i++) drawn[table.Sample(ref random)]++;
        double z = counts.Sum(c => Math.Pow(c, 0.75));
        for (int w = 0; w < counts.Length; w++)
        {
            double p = Math.Pow(counts[w], 0.75) / z;
            Assert.InRange(drawn[w] / (double)n, p - 5 * Math.Sqrt(p * (1 - p) / n), p + 5 * Math.Sqrt(p * (1 - p) / n));
        }
    }

    [Fact]
    public void SubsamplingKeepsTheFractionOfWord2VecCsFormula()
    {
        long[] counts = [50_000, 20_000, 5_000, 1_000, 200, 30];
        long total = counts.Sum();
        const double sample = 1e-3;
        var subsampler = new FrequentWordSubsampler(counts, sample);
        var random = new LinearCongruentialRandom(21);
        for (int w = 0; w < counts.Length; w++)
        {
            double threshold = sample * total;
            double expected = Math.Min(1, Math.Sqrt(threshold / counts[w]) + threshold / counts[w]);
            const int n = 100_000;
            int kept = 0;
            for (int i = 0; i < n; i++) if (subsampler.Keep(w, ref random)) kept++;
            double tolerance = 5 * Math.Sqrt(expected * (1 - expected) / n) + 1.0 / 65536;
            Assert.InRange(kept / (double)n, expected - tolerance, expected + tolerance);
        }
    }

    [Fact]
    public void SimdDotAndAxpyMatchPlainLoops()
    {
        var random = new Random(1);
        int stride = VectorMath.PaddedStride(37);
        var a = Enumerable.Range(0, 3 * stride).Select(_ => (float)random.NextDouble()).ToArray();
        var b = Enumerable.Range(0, 2 * stride).Select(_ => (float)random.NextDouble()).ToArray();
        double dot = 0;
        for (int i = 0; i < stride; i++) dot += (double)a[stride + i] * b[stride + i];
        Assert.Equal(dot, VectorMath.Dot(a, stride, b, stride, stride), 3);
        var expected = b.ToArray();
        for (int i = 0; i < stride; i++) expected[i] += 0.5f * a[2 * stride + i];
        VectorMath.Axpy(0.5f, a, 2 * stride, b, 0, stride);
        for (int i = 0; i < b.Length; i++) Assert.Equal(expected[i], b[i], 5);
        Assert.Throws<IndexOutOfRangeException>(() => VectorMath.Dot(a, 3 * stride - 1, b, 0, stride));
    }
}
