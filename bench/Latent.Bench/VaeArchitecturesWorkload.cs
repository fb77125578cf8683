using System.Diagnostics;
using Latent.Models;
using Latent.Data;
using Latent.Nn;
using Latent.Vae;

namespace Latent.Bench;

/// <summary>
/// The conv VAE beside the MLP VAE on MNIST-format data after the same epochs (test −ELBO per epoch, seconds per epoch), then conditional
/// versions of both, whose class-conditioned samples an MLP classifier trained on the real training images labels (share labelled as asked).
/// </summary>
public sealed class VaeArchitecturesWorkload : IWorkload
{
    /// <inheritdoc/>
    public string Name => "vae-architectures";

    /// <inheritdoc/>
    public string Description => "conv vs mlp VAE: test -ELBO per epoch and seconds per epoch, and the accuracy of a classifier on class-conditioned samples [--epochs 5] [--train 60000] [--test 10000] [--per-class 100] [--architectures mlp,conv] [--data DIR] [--threads N]";

    /// <inheritdoc/>
    public void Run(string[] args)
    {
        Arguments.RejectUnknown(args, "--epochs", "--train", "--test", "--per-class", "--architectures", "--data", "--threads");
        Arguments.ApplyThreads(args);
        int epochs = Arguments.Int(args, "--epochs", 5), perClass = Arguments.Int(args, "--per-class", 100);
        var architectures = (Arguments.Text(args, "--architectures") ?? string.Join(",", VaeOptions.Architectures.Names)).Split(',').Select(VaeOptions.Architectures.Require).ToList();
        using var full = DatasetLoader.Load(new DataOptions { Path = Arguments.Text(args, "--data") });
        using var data = full.Take(Arguments.Int(args, "--train", 60000), Arguments.Int(args, "--test", 10000));
        Console.WriteLine($"{data.Train.Count} training and {data.Test.Count} test examples of shape [{string.Join(", ", data.ExampleShape)}], {epochs} epochs, Adam 1e-3, batch 128, Bernoulli decoder");

        var watch = Stopwatch.StartNew();
        using var classifier = MlpClassifier.For(data, MlpClassifierOptions.Default with { Seed = 1 });
        classifier.Fit(data);
        Console.WriteLine($"classifier {classifier.Describe()} trained on the real images: test accuracy {classifier.Evaluate(data.Test).Accuracy:P2} ({watch.Elapsed.TotalSeconds:F0} s)");

        var rows = new List<string>();
        foreach (var conditional in new[] { false, true })
            foreach (var architecture in architectures)
            {
                var options = VaeOptions.Default with { Architecture = architecture, Conditional = conditional, Epochs = epochs, EvalIwaeSamples = 0, Seed = 1 };
                using var model = VaeModel.For(data, options);
                watch.Restart();
                var curve = model.Fit(data);
                double perEpoch = watch.Elapsed.TotalSeconds / epochs;
                var elbos = string.Join(" ", curve.Evaluations.Select(point => $"{point.Value:F2}"));
                var accuracy = conditional ? $"{VaeDiagnostics.ClassAccuracy(model, classifier.PredictY, perClass, seed: 2):P1}" : "—";
                rows.Add($"{model,-60} | {curve.Evaluations[^1].Value,8:F2} | {perEpoch,8:F1} | {accuracy,8} | {elbos}");
                Console.WriteLine(rows[^1]);
            }
        Console.WriteLine();
        Console.WriteLine($"{"model",-60} | test -ELBO | s/epoch | samples labelled as asked | test -ELBO per epoch");
        foreach (var row in rows) Console.WriteLine(row);
        Console.WriteLine("Seconds per epoch include the test -ELBO after each epoch; compare them only within this run.");
    }
}
