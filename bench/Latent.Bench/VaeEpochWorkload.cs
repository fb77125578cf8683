using System.Diagnostics;
using Latent.Data;
using Latent.Vae;
using TorchSharp;
using TorchSharp.Modules;
using static TorchSharp.torch;

namespace Latent.Bench;

/// <summary>
/// Seconds per MNIST epoch (60k, batch 128, Adam 1e-3) of the 784-400-20 Bernoulli VAE through Latent versus a
/// minimal hand-written TorchSharp loop with the same math, epochs interleaved; plus the fraction of the measured
/// fp32 matmul peak that an epoch reaches.
/// </summary>
public sealed class VaeEpochWorkload : IWorkload
{
    private const int BatchSize = 128;

    /// <inheritdoc/>
    public string Name => "vae-epoch";

    /// <inheritdoc/>
    public string Description => "s/epoch, 784-400-20 Bernoulli VAE on MNIST: Latent vs hand-written TorchSharp loop [--rounds N] [--data DIR]";

    /// <inheritdoc/>
    public void Run(string[] args)
    {
        int rounds = VaeBenchOptions.Int(args, "--rounds", 2);
        string? dataDirectory = VaeBenchOptions.Text(args, "--data");
        using var train = Mnist.Load(dataDirectory, MnistSplit.Train);
        var images = train.Images;
        Console.WriteLine($"MNIST train {images.shape[0]} x {images.shape[1]}, batch {BatchSize}, Adam 1e-3, {rounds} interleaved epochs per side");

        double peak = MatmulPeakGflops();
        Console.WriteLine($"measured fp32 matmul peak (2048x2048 torch.mm): {peak:F1} GFLOP/s");

        manual_seed(1);
        var latentModel = VaeArchitecture.MnistDefault.Create();
        using var latentOptimizer = optim.Adam(latentModel.parameters(), 1e-3);
        var objective = new ElboObjective();
        manual_seed(1);
        var baseline = new HandWrittenVae();
        using var baselineOptimizer = optim.Adam(baseline.parameters(), 1e-3);

        var latentTimes = new List<double>();
        var baselineTimes = new List<double>();
        for (int round = 0; round < rounds; round++)
        {
            var (latentSeconds, latentLoss) = TimeEpoch(images, 100 + round, (x, g) => objective.Loss(latentModel, x, g), latentOptimizer);
            var (baselineSeconds, baselineLoss) = TimeEpoch(images, 100 + round, baseline.Loss, baselineOptimizer);
            latentTimes.Add(latentSeconds);
            baselineTimes.Add(baselineSeconds);
            Console.WriteLine($"round {round + 1}: latent {latentSeconds:F2} s (loss {latentLoss:F2}), hand-written {baselineSeconds:F2} s (loss {baselineLoss:F2})");
        }

        double latentBest = latentTimes.Min(), baselineBest = baselineTimes.Min();
        double flops = EpochMatmulFlops(images.shape[0]);
        Console.WriteLine($"best s/epoch: latent {latentBest:F2}, hand-written {baselineBest:F2}, ratio latent/hand-written {latentBest / baselineBest:F3} (target <= 1.05)");
        Console.WriteLine($"epoch matmul work {flops / 1e9:F0} GFLOP: latent reaches {flops / latentBest / 1e9:F1} GFLOP/s = {flops / latentBest / 1e9 / peak:P0} of measured peak");
    }

    private static (double Seconds, double MeanLoss) TimeEpoch(Tensor images, long seed, Func<Tensor, Generator, Tensor> loss, optim.Optimizer optimizer)
    {
        using var generator = new Generator((ulong)seed);
        long count = images.shape[0];
        var order = randperm(count, generator: generator);
        double total = 0;
        var watch = Stopwatch.StartNew();
        for (long start = 0; start < count; start += BatchSize)
        {
            using var scope = NewDisposeScope();
            var x = images.index_select(0, order.narrow(0, start, Math.Min(BatchSize, count - start)));
            optimizer.zero_grad();
            var value = loss(x, generator);
            value.backward();
            optimizer.step();
            total += value.item<float>() * x.shape[0];
        }
        return (watch.Elapsed.TotalSeconds, total / count);
    }

    private static double MatmulPeakGflops()
    {
        using var scope = NewDisposeScope();
        const long n = 2048;
        var a = randn(n, n);
        var b = randn(n, n);
        mm(a, b);
        var watch = Stopwatch.StartNew();
        int repeats = 0;
        while (watch.Elapsed.TotalSeconds < 2 || repeats < 3)
        {
            mm(a, b).Dispose();
            repeats++;
        }
        return 2.0 * n * n * n * repeats / watch.Elapsed.TotalSeconds / 1e9;
    }

    /// <summary>Forward matmuls of all five layers, their weight gradients, and input gradients of all but the first layer.</summary>
    private static double EpochMatmulFlops(long examples)
    {
        double first = 2.0 * 784 * 400;
        double forward = first + 2 * (2.0 * 400 * 20) + 2.0 * 20 * 400 + 2.0 * 400 * 784;
        return examples * (forward + forward + (forward - first));
    }

    /// <summary>The same model and loss written directly against TorchSharp: -mean(log p(x|z) - KL).</summary>
    private sealed class HandWrittenVae : nn.Module<Tensor, Tensor>
    {
        private readonly Linear fc1 = nn.Linear(784, 400);
        private readonly Linear fc21 = nn.Linear(400, 20);
        private readonly Linear fc22 = nn.Linear(400, 20);
        private readonly Linear fc3 = nn.Linear(20, 400);
        private readonly Linear fc4 = nn.Linear(400, 784);

        public HandWrittenVae() : base(nameof(HandWrittenVae)) => RegisterComponents();

        public override Tensor forward(Tensor x) => x;

        public Tensor Loss(Tensor x, Generator generator)
        {
            var h = nn.functional.relu(fc1.forward(x));
            var mu = fc21.forward(h);
            var logVar = fc22.forward(h);
            var z = mu + (0.5 * logVar).exp() * randn(mu.shape, generator: generator);
            var logits = fc4.forward(nn.functional.relu(fc3.forward(z)));
            var reconstruction = nn.functional.binary_cross_entropy_with_logits(logits, x, reduction: nn.Reduction.None).sum(-1);
            var kl = 0.5 * (logVar.exp() + mu.square() - 1.0 - logVar).sum(-1);
            return (reconstruction + kl).mean();
        }
    }
}
