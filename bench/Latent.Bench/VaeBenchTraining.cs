using Latent.Vae;
using TorchSharp;
using static TorchSharp.torch;

namespace Latent.Bench;

/// <summary>One seeded pass over shuffled mini-batches for the VAE workloads.</summary>
internal static class VaeBenchTraining
{
    /// <summary>Trains one epoch and returns the mean loss per example.</summary>
    public static double Epoch(VariationalAutoencoder model, IVaeObjective objective, Tensor images, int batchSize, optim.Optimizer optimizer, Generator generator)
    {
        long count = images.shape[0];
        using var order = randperm(count, generator: generator);
        double total = 0;
        for (long start = 0; start < count; start += batchSize)
        {
            using var scope = NewDisposeScope();
            var x = images.index_select(0, order.narrow(0, start, Math.Min(batchSize, count - start)));
            optimizer.zero_grad();
            var loss = objective.Loss(model, x, generator);
            loss.backward();
            optimizer.step();
            total += loss.item<float>() * x.shape[0];
        }
        return total / count;
    }
}
