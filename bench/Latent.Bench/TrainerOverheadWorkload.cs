using System.Diagnostics;
using Latent.Data;
using Latent.Distributions;
using Latent.Nn;
using Latent.Training;
using TorchSharp;
using static TorchSharp.torch;

namespace Latent.Bench;

/// <summary>
/// One MNIST epoch of a 784-400-20 VAE-sized MLP (Adam, batch 128) through <see cref="Trainer"/> versus a minimal
/// hand-written TorchSharp loop doing the same math, alternated A/B so machine noise hits both alike.
/// </summary>
public sealed class TrainerOverheadWorkload : IWorkload
{
    /// <inheritdoc />
    public string Name => "trainer-overhead";

    /// <inheritdoc />
    public string Description => "seconds per MNIST epoch, 784-400-20 VAE-sized MLP, Adam, batch 128: Latent trainer vs hand-written loop [--rounds N] [--examples N]";

    /// <inheritdoc />
    public void Run(string[] args)
    {
        int rounds = Arguments.Int(args, "--rounds", 3);
        int examples = Arguments.Int(args, "--examples", 60_000);
        using var mnist = Mnist.Load(null, MnistSplit.Train);
        var images = mnist.Take(examples).Images;
        double peak = MatmulPeak.MeasureGflops(ScalarType.Float32);
        Console.WriteLine($"fp32 matmul peak (2048x2048 torch.mm, same run): {peak:0.0} GFLOP/s");

        var trainerTimes = new List<double>();
        var handTimes = new List<double>();
        for (int round = 0; round < rounds; round++)
        {
            handTimes.Add(Time(() => HandWrittenEpoch(images, round)));
            trainerTimes.Add(Time(() => TrainerEpoch(images, round)));
            Console.WriteLine($"round {round + 1}: hand-written {handTimes[^1]:0.000} s, trainer {trainerTimes[^1]:0.000} s");
        }
        double hand = handTimes.Min(), trainer = trainerTimes.Min();
        double flops = 3.0 * 2 * (784 * 400 + 400 * 40 + 20 * 400 + 400 * 784) * (double)images.shape[0];
        Console.WriteLine($"best of {rounds}: hand-written {hand:0.000} s/epoch, Latent trainer {trainer:0.000} s/epoch, ratio trainer/hand = {trainer / hand:0.000} (goal <= 1.05)");
        Console.WriteLine($"matmul work {flops / 1e9:0.0} GFLOP/epoch: trainer reaches {flops / trainer / 1e9:0.0} GFLOP/s = {flops / trainer / 1e9 / peak:P0} of the measured peak");
    }

    private static double Time(Action action)
    {
        var clock = Stopwatch.StartNew();
        action();
        return clock.Elapsed.TotalSeconds;
    }

    private static void TrainerEpoch(Tensor images, int seed)
    {
        RunSeed.Apply(seed);
        using var model = new VaeSizedMlp();
        var trainer = new Trainer(model, OptimizerSettings.Adam(1e-3), new TrainerOptions { Epochs = 1, BatchSize = 128, Seed = seed });
        trainer.Fit(images.shape[0], indices => model.Loss(images.index_select(0, indices)));
    }

    private static void HandWrittenEpoch(Tensor images, int seed)
    {
        RunSeed.Apply(seed);
        using var model = new VaeSizedMlp();
        var optimizer = optim.Adam(model.parameters(), 1e-3);
        long n = images.shape[0];
        using var generator = new Generator((ulong)seed);
        using var order = randperm(n, ScalarType.Int64, generator: generator);
        model.train();
        for (long start = 0; start < n; start += 128)
        {
            using var scope = NewDisposeScope();
            var loss = model.Loss(images.index_select(0, order.narrow(0, start, Math.Min(128, n - start))));
            optimizer.zero_grad();
            loss.backward();
            optimizer.step();
        }
    }

    /// <summary>The benchmark's model: a 784-400-(20+20) encoder and 20-400-784 Bernoulli decoder, negative ELBO per example.</summary>
    private sealed class VaeSizedMlp : nn.Module<Tensor, Tensor>
    {
        private readonly Mlp encoder = new(new[] { 784, 400, 40 });
        private readonly Mlp decoder = new(new[] { 20, 400, 784 });

        public VaeSizedMlp() : base(nameof(VaeSizedMlp)) => RegisterComponents();

        public override Tensor forward(Tensor x) => Loss(x);

        public Tensor Loss(Tensor x)
        {
            var stats = encoder.forward(x).chunk(2, 1);
            var q = new DiagonalGaussian(stats[0], stats[1]);
            var logits = decoder.forward(q.RSample());
            return (Kl.FromStandardNormal(q) - new BernoulliLogits(logits).LogProb(x)).mean();
        }
    }
}
