using System.Diagnostics;
using Latent.Data;
using Latent.Gp;

namespace Latent.Bench;

/// <summary>
/// The SVGP classifier on an MNIST subset trained twice with the same seed, data and steps, in float64 and in float32:
/// seconds per step, test accuracy and NLPD side by side.
/// </summary>
public sealed class SvgpDtypeWorkload : IWorkload
{
    /// <inheritdoc />
    public string Name => "svgp-dtype";

    /// <inheritdoc />
    public string Description => "SVGP classifier on an MNIST subset in float64 vs float32: s/step, test accuracy, NLPD [--train 5000] [--test 2000] [--steps 1000] [--inducing kmeans:100] [--q-diag] [--threads N] [--data DIR]";

    /// <summary>Runs the workload.</summary>
    public void Run(string[] args)
    {
        Arguments.RejectUnknown(args, "--train", "--test", "--steps", "--inducing", "--q-diag", "--threads", "--data");
        Arguments.ApplyThreads(args);
        var (trainCount, testCount) = (Arguments.Int(args, "--train", 5000), Arguments.Int(args, "--test", 2000));
        using var full = DatasetLoader.Load(new DataOptions { Path = Arguments.Text(args, "--data") });
        using var data = new Dataset(
            new DataPart(full.Train.Features.narrow(0, 0, trainCount), full.Train.Labels!.narrow(0, 0, trainCount)),
            new DataPart(full.Test.Features.narrow(0, 0, testCount), full.Test.Labels!.narrow(0, 0, testCount)),
            full.ClassCount, full.ClassNames, $"the first {trainCount} MNIST training and {testCount} test images");
        var options = SvgpClassifierOptions.Default with
        {
            Iterations = Arguments.Int(args, "--steps", 1000), Inducing = Arguments.Text(args, "--inducing") ?? "kmeans:100", QDiagonal = args.Contains("--q-diag"), Seed = 1,
        };
        Console.WriteLine($"{data.Source}; {options.Iterations} steps of batch {options.BatchSize}, inducing {options.Inducing}, {(options.QDiagonal ? "diagonal" : "full")} q(u), seed {options.Seed}");
        Console.WriteLine($"{"dtype",-8} {"s/step",8} {"accuracy",9} {"NLPD",8} {"ECE",7} {"final ELBO/N",13}");
        foreach (var dtype in new[] { "float64", "float32" })
        {
            using var classifier = new SvgpClassifier(options with { Dtype = dtype });
            var clock = Stopwatch.StartNew();
            var elbos = classifier.Fit(data);
            var seconds = clock.Elapsed.TotalSeconds / elbos.Count;
            var metrics = classifier.Evaluate(data.Test);
            Console.WriteLine($"{dtype,-8} {seconds,8:F4} {metrics.Accuracy,9:P2} {metrics.Nlpd,8:F4} {metrics.Ece,7:F4} {elbos.TakeLast(50).Average(),13:F4}");
        }
    }
}
