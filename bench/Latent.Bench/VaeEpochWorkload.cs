using Latent.Data;
using Latent.Training;
using Latent.Vae;
using TorchSharp;
using TorchSharp.Modules;
using static TorchSharp.torch;

namespace Latent.Bench;

/// <summary>
/// Seconds per MNIST epoch (60k, batch 128, Adam 1e-3) of the 784-400-20 Bernoulli VAE through Latent versus a
/// minimal hand-written TorchSharp loop with the same math, the two interleaved every few batches; plus the fraction of the measured
/// fp32 matmul peak that an epoch reaches. First, <see cref="VaeStepProfile"/> prints where a step's time goes.
/// </summary>
public sealed class VaeEpochWorkload : IWorkload
{
    private const int BatchSize = 128;
    private const int BlockSize = 10;

    /// <inheritdoc/>
    public string Name => "vae-epoch";

    /// <inheritdoc/>
    public string Description => "s/epoch, 784-400-20 Bernoulli VAE on MNIST: Latent vs hand-written TorchSharp loop [--rounds 1] [--profile-steps 200] [--profile-only] [--data DIR] [--threads N]";

    /// <inheritdoc/>
    public void Run(string[] args)
    {
        int rounds = Arguments.Int(args, "--rounds", 1);
        Arguments.ApplyThreads(args);
        string? dataDirectory = Arguments.Text(args, "--data");
        using var train = Mnist.Load(dataDirectory, MnistSplit.Train);
        var images = train.Images;
        Console.WriteLine($"MNIST train {images.shape[0]} x {images.shape[1]}, batch {BatchSize}, Adam 1e-3, {rounds} epoch(s), the two sides alternating every {BlockSize} batches");

        double peak = MatmulPeak.MeasureGflops(ScalarType.Float32);
        Console.WriteLine($"measured fp32 matmul peak (best of 2048x2048 torch.mm): {peak:F1} GFLOP/s");

        double flops = EpochMatmulFlops(images.shape[0]);
        VaeStepProfile.Print(images, BatchSize, Arguments.Int(args, "--profile-steps", 200), peak, EpochMatmulFlops(BatchSize));
        if (args.Contains("--profile-only")) return;
        using var trainData = new BinarizedImages(images, Binarization.None, seed: 1);
        for (int round = 0; round < rounds; round++)
        {
            RunSeed.Apply(1 + round);
            var latentModel = VariationalAutoencoder.Create(VaeOptions.Default with { Decoder = DecoderKind.Bernoulli }, (int)images.shape[1]);
            RunSeed.Apply(1 + round);
            var baseline = new HandWrittenVae();
            using var baselineOptimizer = optim.Adam(baseline.parameters(), 1e-3);
            using var baselineSide = new TimedEpoch(images, 100 + round, baseline.Loss, baselineOptimizer);

            // The Latent side runs through the Trainer; every BlockSize of its steps, the progress callback runs the same
            // number of hand-written steps, whose time is then subtracted, so both sides share whatever load the machine has.
            var clock = FaultClock.StartNew();
            var curve = VaeTraining.Fit(latentModel, _ => new ElboObjective(), trainData, OptimizerSettings.Adam(1e-3),
                new TrainerOptions { Epochs = 1, BatchSize = BatchSize, Seed = 100 + round },
                progress: p => { if (p.Step % BlockSize == 0) baselineSide.Steps(BlockSize); });
            clock.Stop();
            double latentSeconds = clock.Seconds - baselineSide.Seconds;
            long latentFaults = clock.Faults - baselineSide.Faults;
            long latentSteps = (images.shape[0] + BatchSize - 1) / BatchSize;
            while (!baselineSide.Done) baselineSide.Steps(BlockSize);
            double latentLoss = curve.Epochs[^1].Value;
            double ratio = latentSeconds / baselineSide.Seconds;
            Console.WriteLine($"epoch {round + 1}: latent (Trainer) {latentSeconds:F2} s (mean batch loss {latentLoss:F2}), hand-written {baselineSide.Seconds:F2} s (loss {baselineSide.MeanLoss:F2}), " +
                              $"ratio latent/hand-written {ratio:F3} (target <= 1.05); latent reaches {flops / latentSeconds / 1e9:F1} GFLOP/s = {flops / latentSeconds / 1e9 / peak:P0} of measured matmul peak");
            Console.WriteLine($"  page faults/step: latent {latentFaults / (double)latentSteps:N0}, hand-written {baselineSide.Faults / (double)latentSteps:N0}; peak RSS {NativeHeap.PeakResidentMiB():N0} MiB");
        }
    }

    /// <summary>Forward matmuls of all five layers, their weight gradients, and input gradients of all but the first layer.</summary>
    private static double EpochMatmulFlops(long examples)
    {
        double first = 2.0 * 784 * 400;
        double forward = first + 2 * (2.0 * 400 * 20) + 2.0 * 20 * 400 + 2.0 * 400 * 784;
        return examples * (forward + forward + (forward - first));
    }

    /// <summary>
    /// One epoch of one side, run in blocks of steps so that the two sides alternate every few batches and share
    /// whatever load the machine carries; only the time inside its own steps is charged to a side.
    /// </summary>
    private sealed class TimedEpoch : IDisposable
    {
        private readonly Tensor images;
        private readonly Func<Tensor, Generator, Tensor> loss;
        private readonly optim.Optimizer optimizer;
        private readonly Generator generator;
        private readonly Tensor order;
        private readonly FaultClock watch = new();
        private long next;
        private double total;

        public TimedEpoch(Tensor images, long seed, Func<Tensor, Generator, Tensor> loss, optim.Optimizer optimizer)
        {
            this.images = images;
            this.loss = loss;
            this.optimizer = optimizer;
            generator = new Generator((ulong)seed);
            order = randperm(images.shape[0], generator: generator);
        }

        public bool Done => next >= images.shape[0];

        public double Seconds => watch.Seconds;

        public long Faults => watch.Faults;

        public double MeanLoss => total / next;

        public void Steps(int count)
        {
            watch.Start();
            for (int i = 0; i < count && !Done; i++)
            {
                using var scope = NewDisposeScope();
                var x = images.index_select(0, order.narrow(0, next, Math.Min(BatchSize, images.shape[0] - next)));
                optimizer.zero_grad();
                var value = loss(x, generator);
                value.backward();
                optimizer.step();
                total += value.item<float>() * x.shape[0];
                next += x.shape[0];
            }
            watch.Stop();
        }

        public void Dispose()
        {
            order.Dispose();
            generator.Dispose();
        }
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
