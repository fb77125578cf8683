using System.Diagnostics;
using System.Globalization;
using Latent.Data;
using Latent.Vae;

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
        var objective = IVaeObjective.Parse(Arguments.Text(args, "--objective") ?? "elbo").Name;
        var binarization = Enum.Parse<Binarization>(Arguments.Text(args, "--binarization") ?? "none", ignoreCase: true);
        int iwaeSamples = Arguments.Text(args, "--iwae-k") is null ? 0 : Arguments.Int(args, "--iwae-k", 1);
        int iwaeExamples = Arguments.Int(args, "--iwae-examples", 10000);
        int batchSize = Arguments.Int(args, "--batch", 128);
        string? dataDirectory = Arguments.Text(args, "--data");
        double decay = Arguments.Double(args, "--ema", 0.998);

        using var data = DatasetLoader.Load(new DataOptions { Path = dataDirectory });
        var options = VaeOptions.Default with
        {
            Epochs = epochs, Latent = latent, Hidden = hidden, Objective = objective, Binarization = binarization, BatchSize = batchSize, Ema = decay,
            EvalIwaeSamples = iwaeSamples, EvalIwaeExamples = iwaeExamples, Seed = 1,
        };
        using var model = VaeModel.For(data, options);
        Console.WriteLine($"{model}, binarization {binarization}, batch {batchSize}, Adam 1e-3, {epochs} epochs, " +
            $"decoder bias at the data mean, {(decay > 0 ? $"test figures from the weight average (decay {decay})" : "no weight averaging")}");
        var watch = Stopwatch.StartNew();
        var curve = model.Fit(data);
        for (int i = 0; i < curve.Epochs.Count; i++)
            Console.WriteLine($"epoch {i + 1,3}: train {objective} loss {curve.Epochs[i].Value:F2}, test -ELBO {curve.Evaluations[i].Value:F2} nats");
        Console.WriteLine($"final test -ELBO {curve.Evaluations[^1].Value:F2} nats after {epochs} epochs, {watch.Elapsed.TotalSeconds:F0} s (pytorch/examples and flax report ~104 for 784-400-20 continuous after 10 epochs)");

        if (iwaeSamples > 0)
        {
            var metrics = model.Evaluate(data.Test);
            Console.WriteLine($"IWAE k={iwaeSamples} test log-likelihood on {metrics.IwaeExamples} examples: {metrics.TestIwaeLogLikelihood:F2} nats (Burda et al. 2016: VAE -86.76, IWAE k=50 -84.78) after {epochs} epochs, {watch.Elapsed.TotalSeconds:F0} s");
        }
    }
}
