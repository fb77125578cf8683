using Latent.Training;
using TorchSharp;
using TorchSharp.Modules;
using static TorchSharp.torch;

namespace Latent.Bench;

/// <summary>
/// Where a 784-400-20 VAE step's time goes: the hand-written step cut into timed sections (libtorch on CPU runs each op
/// synchronously, so a stopwatch around a section measures its kernels), and, interleaved with the steps so that
/// all share the machine's load, the same layers' matmuls alone, one elementwise pass over the parameters, and libtorch's fixed cost
/// per op on a one-element tensor, from which the op count that explains the rest follows.
/// </summary>
internal static class VaeStepProfile
{
    private const int TinyOps = 50;

    private static readonly string[] Sections =
        ["batch (index_select)", "encoder forward", "sample z + decoder forward", "loss terms (BCE, KL, mean)", "backward", "Adam step", "zero_grad", "EMA update (0.998)", "loss.item + dispose scope"];

    /// <summary>Times <paramref name="steps"/> steps at batch <paramref name="batchSize"/> on <paramref name="images"/> and prints the breakdown against <paramref name="peakGflops"/>.</summary>
    public static void Print(Tensor images, int batchSize, int steps, double peakGflops, double stepMatmulFlops)
    {
        RunSeed.Apply(5);
        int inputSize = (int)images.shape[1];
        var fc1 = nn.Linear(inputSize, 400);
        var fc21 = nn.Linear(400, 20);
        var fc22 = nn.Linear(400, 20);
        var fc3 = nn.Linear(20, 400);
        var fc4 = nn.Linear(400, inputSize);
        var layers = new[] { fc1, fc21, fc22, fc3, fc4 };
        var parameters = layers.SelectMany(l => l.parameters()).ToArray();
        using var optimizer = optim.Adam(parameters, 1e-3);
        using var average = new ParameterAverage(parameters, 0.998);
        using var generator = new Generator(9);
        using var order = randperm(images.shape[0], generator: generator);
        var xs = images.narrow(0, 0, batchSize);
        var weights = layers.Select(l => l.weight!.detach()).ToArray();
        var inputs = new[] { xs, randn(batchSize, 400), randn(batchSize, 400), randn(batchSize, 20), randn(batchSize, 400) };
        var gradients = weights.Select(w => randn(batchSize, w.shape[0])).ToArray();
        var copies = parameters.Select(p => p.detach().clone()).ToArray();
        using var one = ones(1);
        var references = new double[4];
        var clock = new SectionClock(Sections);
        for (int step = -10; step < steps; step++)
        {
            if (step == 0)
            {
                clock.Reset();
                Array.Clear(references);
            }
            clock.Start();
            var scope = NewDisposeScope();
            var x = images.index_select(0, order.narrow(0, (long)(step + 10) * batchSize % (images.shape[0] - batchSize), batchSize));
            clock.Lap(0);
            var h = nn.functional.relu(fc1.forward(x));
            var mu = fc21.forward(h);
            var logVar = fc22.forward(h);
            clock.Lap(1);
            var z = mu + (0.5 * logVar).exp() * randn(mu.shape, generator: generator);
            var logits = fc4.forward(nn.functional.relu(fc3.forward(z)));
            clock.Lap(2);
            var reconstruction = nn.functional.binary_cross_entropy_with_logits(logits, x, reduction: nn.Reduction.None).sum(-1);
            var kl = 0.5 * (logVar.exp() + mu.square() - 1.0 - logVar).sum(-1);
            var loss = (reconstruction + kl).mean();
            clock.Lap(3);
            loss.backward();
            clock.Lap(4);
            optimizer.step();
            clock.Lap(5);
            optimizer.zero_grad();
            clock.Lap(6);
            average.Update();
            clock.Lap(7);
            loss.item<float>();
            scope.Dispose();
            clock.Lap(8);
            references[0] += SectionClock.Seconds(() =>
            {
                using var s = NewDisposeScope();
                for (int i = 0; i < weights.Length; i++)
                {
                    inputs[i].matmul(weights[i].t());
                    gradients[i].t().matmul(inputs[i]);
                    if (i > 0) gradients[i].matmul(weights[i]);
                }
            });
            references[1] += SectionClock.Seconds(() =>
            {
                foreach (var c in copies) c.mul_(1.0);
            });
            references[2] += SectionClock.Seconds(() =>
            {
                for (int i = 0; i < TinyOps; i++) one.add_(1);
            }) / TinyOps;
            references[3] += SectionClock.Seconds(() =>
            {
                using var s = NewDisposeScope();
                for (int i = 0; i < TinyOps; i++) _ = one + 1;
            }) / TinyOps;
        }
        double matmuls = references[0] / steps, pass = references[1] / steps, perOp = references[2] / steps, perAllocatingOp = references[3] / steps;
        double total = clock.Total;

        Console.WriteLine($"profile of the hand-written step [{Word2VecBrownWorkload.Load()}], {steps} steps of batch {batchSize}, {get_num_threads()} libtorch thread(s):");
        clock.Print();
        Console.WriteLine($"  {"total",-44} {total * 1e3,8:F2} ms = {stepMatmulFlops / total / 1e9:F1} GFLOP/s = {stepMatmulFlops / total / 1e9 / peakGflops:P0} of peak");
        Console.WriteLine($"  the step's 14 matmuls alone: {matmuls * 1e3:F3} ms = {stepMatmulFlops / matmuls / 1e9:F1} GFLOP/s = {stepMatmulFlops / matmuls / 1e9 / peakGflops:P0} of peak; at peak they would take {stepMatmulFlops / peakGflops / 1e6:F3} ms");
        long parameterCount = parameters.Sum(p => p.numel());
        Console.WriteLine($"  one in-place elementwise pass over the {parameterCount:N0} parameters ({parameters.Length} tensors): {pass * 1e3:F3} ms; " +
                          $"Adam costs {clock[5] / pass:F1} such passes, EMA {clock[7] / pass:F1}, zero_grad {clock[6] / pass:F1}");
        double withoutUpdates = total - (clock[5] + clock[6] + clock[7]);
        Console.WriteLine($"  ceilings: without Adam, zero_grad and EMA the step would reach {stepMatmulFlops / withoutUpdates / 1e9 / peakGflops:P0} of peak; " +
                          $"with nothing but its matmuls {stepMatmulFlops / matmuls / 1e9 / peakGflops:P0} (batch-128 shapes run below the 2048x2048 peak)");
        Console.WriteLine($"  fixed cost per libtorch op from .NET: {perOp * 1e6:F2} µs in place, {perAllocatingOp * 1e6:F2} µs allocating (+ dispose); " +
                          $"the {(total - matmuls) * 1e3:F3} ms outside the matmuls are worth {(total - matmuls) / perAllocatingOp:F0} such ops");
    }
}
