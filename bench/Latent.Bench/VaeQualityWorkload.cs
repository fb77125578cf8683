using System.Diagnostics;
using System.Globalization;
using Latent.Data;
using Latent.Training;
using Latent.Vae;
using TorchSharp;
using static TorchSharp.torch;

namespace Latent.Bench;

/// <summary>
/// Trains a VAE on MNIST and prints the test loss (negative ELBO, nats) per epoch beside the published ≈104
/// (784-400-20, continuous, 10 epochs), then optionally the IWAE log-likelihood estimate beside Burda et al. (2016).
/// </summary>
public sealed class VaeQualityWorkload : IWorkload
{
    /// <inheritdoc/>
    public string Name => "vae-quality";

    /// <inheritdoc/>
    public string Description => "test -ELBO per epoch of an MNIST VAE vs published figures [--epochs 10] [--hidden 400] [--latent 20] [--objective elbo|iwae:k] [--binarization none|static|dynamic] [--ema 0.998 (0: off)] [--iwae-k 0] [--iwae-examples 10000] [--threads N]";

    /// <inheritdoc/>
    public void Run(string[] args)
    {
        int epochs = Arguments.Int(args, "--epochs", 10);
        Arguments.ApplyThreads(args);
        int latent = Arguments.Int(args, "--latent", 20);
        var hidden = (Arguments.Text(args, "--hidden") ?? "400").Split(',').Select(s => int.Parse(s, CultureInfo.InvariantCulture)).ToArray();
        var objective = IVaeObjective.Parse(Arguments.Text(args, "--objective") ?? "elbo");
        var binarization = Enum.Parse<Binarization>(Arguments.Text(args, "--binarization") ?? "none", ignoreCase: true);
        int iwaeSamples = Arguments.Text(args, "--iwae-k") is null ? 0 : Arguments.Int(args, "--iwae-k", 1);
        int iwaeExamples = Arguments.Int(args, "--iwae-examples", 10000);
        int batchSize = Arguments.Int(args, "--batch", 128);
        string? dataDirectory = Arguments.Text(args, "--data");
        double decay = Arguments.Double(args, "--ema", 0.998);

        using var train = Mnist.Load(dataDirectory, MnistSplit.Train);
        using var test = Mnist.Load(dataDirectory, MnistSplit.Test);
        using var trainData = new BinarizedImages(train.Images, binarization, seed: 1);
        using var testData = new BinarizedImages(test.Images, binarization == Binarization.None ? Binarization.None : Binarization.Static, seed: 2);
        var testImages = testData.ForEpoch(0);

        var architecture = new VaeArchitecture(784, hidden, latent, DecoderKind.Bernoulli);
        RunSeed.Apply(1);
        var model = architecture.Create();
        using (var mean = train.Images.mean([0L])) model.InitializeOutputBias(mean);
        Console.WriteLine($"{architecture}, objective {objective.Name}, binarization {binarization}, batch {batchSize}, Adam 1e-3, {epochs} epochs, " +
            $"decoder bias at the data mean, {(decay > 0 ? $"test figures from the weight average (decay {decay})" : "no weight averaging")}");
        var watch = Stopwatch.StartNew();
        using var generator = new Generator(7);
        var curve = VaeTraining.Fit(model, objective, trainData, OptimizerSettings.Adam(1e-3),
            new TrainerOptions { Epochs = epochs, BatchSize = batchSize, Seed = 1, AverageDecay = decay > 0 ? decay : null },
            evaluate: () =>
            {
                double testLoss = VaeTraining.NegativeElbo(model, testImages, generator);
                Console.WriteLine($"test -ELBO {testLoss:F2} nats ({watch.Elapsed.TotalSeconds:F0} s)");
                return testLoss;
            });
        for (int i = 0; i < curve.Epochs.Count; i++)
            Console.WriteLine($"epoch {i + 1,3}: train {objective.Name} loss {curve.Epochs[i].Value:F2}, test -ELBO {curve.Evaluations[i].Value:F2} nats");
        Console.WriteLine($"final test -ELBO {curve.Evaluations[^1].Value:F2} nats after {epochs} epochs, {watch.Elapsed.TotalSeconds:F0} s (pytorch/examples and flax report ~104 for 784-400-20 continuous after 10 epochs)");

        if (iwaeSamples > 0)
        {
            var subset = testImages.narrow(0, 0, Math.Min(iwaeExamples, testImages.shape[0]));
            double ll = VaeTraining.LogLikelihood(model, subset, iwaeSamples, generator);
            Console.WriteLine($"IWAE k={iwaeSamples} test log-likelihood on {subset.shape[0]} examples: {ll:F2} nats (Burda et al. 2016: VAE -86.76, IWAE k=50 -84.78) after {epochs} epochs, {watch.Elapsed.TotalSeconds:F0} s");
        }
    }
}
