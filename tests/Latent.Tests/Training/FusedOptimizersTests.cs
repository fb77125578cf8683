using Latent.Training;
using TorchSharp.Modules;
using static TorchSharp.torch;

namespace Latent.Tests.Training;

public class FusedOptimizersTests : TorchTest
{
    private const double LearningRate = 0.01, WeightDecay = 0.05, Beta1 = 0.9, Beta2 = 0.999, Epsilon = 1e-8;
    private const int Steps = 5;

    /// <summary>Sizes that cover the vector body and scalar tail, and the chunked parallel path with a partial last chunk.</summary>
    private static readonly long[] Sizes = [7, 40, FusedOptimizers.Adam.ParallelThreshold + 70_001];

    /// <summary>
    /// The gradient of step <paramref name="step"/> for parameter <paramref name="index"/>: fixed values, the same for every optimizer under
    /// test, of magnitude 0.2–1 so that with the weight decay's term (at most 0.05 × 2.05) no element's gradient comes near ε, where Adam's
    /// step g / (|g| + ε) turns float32's rounding of g into a large error in any implementation.
    /// </summary>
    private static double[] Gradient(int index, long size, int step)
    {
        var random = new Random(1000 * index + step);
        return Enumerable.Range(0, (int)size).Select(_ => (random.Next(2) * 2 - 1) * (0.2 + 0.8 * random.NextDouble())).ToArray();
    }

    private static double[] Initial(int index, long size)
    {
        var random = new Random(-1 - index);
        return Enumerable.Range(0, (int)size).Select(_ => random.NextDouble() * 4 - 2).ToArray();
    }

    /// <summary>Adam with L2 weight decay as PyTorch documents it, element by element in doubles.</summary>
    private static double[] ReferenceAdam(double[] theta, Func<int, double[]> gradient)
    {
        theta = (double[])theta.Clone();
        var (m, v) = (new double[theta.Length], new double[theta.Length]);
        for (int t = 1; t <= Steps; t++)
        {
            var g = gradient(t);
            for (int i = 0; i < theta.Length; i++)
            {
                double gi = g[i] + WeightDecay * theta[i];
                m[i] = Beta1 * m[i] + (1 - Beta1) * gi;
                v[i] = Beta2 * v[i] + (1 - Beta2) * gi * gi;
                double mHat = m[i] / (1 - Math.Pow(Beta1, t)), vHat = v[i] / (1 - Math.Pow(Beta2, t));
                theta[i] -= LearningRate * mHat / (Math.Sqrt(vHat) + Epsilon);
            }
        }
        return theta;
    }

    private static Parameter[] MakeParameters(ScalarType dtype) =>
        Sizes.Select((size, index) => new Parameter(tensor(Initial(index, size), dtype: float64).to(dtype))).ToArray();

    private static void Run(optim.Optimizer optimizer, Parameter[] parameters, int firstStep = 1, int lastStep = Steps)
    {
        for (int step = firstStep; step <= lastStep; step++)
        {
            optimizer.zero_grad();
            for (int index = 0; index < parameters.Length; index++)
            {
                using var g = tensor(Gradient(index, parameters[index].numel(), step), dtype: float64).to(parameters[index].dtype).reshape(parameters[index].shape);
                (parameters[index] * g).sum().backward();
            }
            optimizer.step();
        }
    }

    private static double LargestDifference(double[] expected, Tensor actual) =>
        (actual.detach().to(float64) - tensor(expected).reshape(actual.shape)).abs().max().item<double>();

    [Fact]
    public void Float64StepsMatchAdamComputedElementByElement()
    {
        var parameters = MakeParameters(float64);
        using var optimizer = new FusedOptimizers.Adam(parameters, LearningRate, WeightDecay);
        Run(optimizer, parameters);
        Assert.True(optimizer.LastStepFused);
        for (int index = 0; index < Sizes.Length; index++)
        {
            var expected = ReferenceAdam(Initial(index, Sizes[index]), step => Gradient(index, Sizes[index], step));
            double difference = LargestDifference(expected, parameters[index]);
            Assert.True(difference < 1e-12, $"parameter of {Sizes[index]} elements differs by {difference:E2}");
        }
    }

    [Fact]
    public void Float32StepsMatchTheReferenceAndTorchSharpsAdamToFloat32Rounding()
    {
        var fused = MakeParameters(float32);
        var plain = MakeParameters(float32);
        using var fusedOptimizer = new FusedOptimizers.Adam(fused, LearningRate, WeightDecay);
        using var plainOptimizer = optim.Adam(plain, LearningRate, weight_decay: WeightDecay);
        Run(fusedOptimizer, fused);
        Run(plainOptimizer, plain);
        Assert.True(fusedOptimizer.LastStepFused);
        for (int index = 0; index < Sizes.Length; index++)
        {
            // Parameters reach 2.05 in magnitude, where float32's spacing is 2.4e-7.
            var expected = ReferenceAdam(Initial(index, Sizes[index]), step => Gradient(index, Sizes[index], step));
            double fromReference = LargestDifference(expected, fused[index]);
            double fromTorchSharp = (fused[index] - plain[index]).abs().max().item<float>();
            Assert.True(fromReference < 1e-6, $"parameter of {Sizes[index]} elements differs from the float64 reference by {fromReference:E2}");
            Assert.True(fromTorchSharp < 1e-6, $"parameter of {Sizes[index]} elements differs from TorchSharp's Adam by {fromTorchSharp:E2}");
        }
    }

    [Fact]
    public void ANonContiguousParameterTakesTorchSharpsStepWithTheSameResult()
    {
        var transposed = new Parameter(tensor(Initial(0, 12), dtype: float64).reshape(3, 4).t());
        var contiguous = new Parameter(transposed.detach().contiguous());
        using var fallback = new FusedOptimizers.Adam([transposed], LearningRate, WeightDecay);
        using var fused = new FusedOptimizers.Adam([contiguous], LearningRate, WeightDecay);
        Run(fallback, [transposed]);
        Run(fused, [contiguous]);
        Assert.False(fallback.LastStepFused);
        Assert.True(fused.LastStepFused);
        Assert.True(transposed.allclose(contiguous, rtol: 1e-12, atol: 0), "the two paths end at different parameters");
    }

    [Fact]
    public void ItsStateLoadsIntoTorchSharpsAdamAndContinuesTheSameRun()
    {
        var straight = MakeParameters(float64);
        using var straightOptimizer = new FusedOptimizers.Adam(straight, LearningRate, WeightDecay);
        Run(straightOptimizer, straight);

        var resumed = MakeParameters(float64);
        using var first = new FusedOptimizers.Adam(resumed, LearningRate, WeightDecay);
        Run(first, resumed, 1, 2);
        using var saved = new MemoryStream();
        using (var writer = new BinaryWriter(saved, System.Text.Encoding.UTF8, leaveOpen: true)) first.save_state_dict(writer);
        saved.Position = 0;
        using var second = optim.Adam(resumed, LearningRate, weight_decay: WeightDecay);
        using (var reader = new BinaryReader(saved)) second.load_state_dict(reader);
        Run(second, resumed, 3, Steps);

        for (int index = 0; index < Sizes.Length; index++)
            Assert.True(resumed[index].allclose(straight[index], rtol: 1e-12, atol: 0), $"parameter {index} differs after resuming in TorchSharp's Adam");
    }
}
