#:project ../src/Latent/Latent.csproj
#:package libtorch-cpu-linux-x64
#:property PublishAot=false
// A sparse variational GP classifier as in GPflow's SVGP multiclass notebook, on your own feature vectors, from C# alone:
// Matérn-5/2 + White kernel with one lengthscale per feature, inducing points at every 5th training point, whitening,
// diagonal q(u), MultiClass + RobustMax; then latent samples pushed through the link beside predict_y.
// Usage: dotnet run samples/SvgpClassification.cs -- [DATA] [ITERATIONS]
//   DATA  a .npz with x_train, y_train, x_test, y_test (or a .csv with a label column, an image folder, an IDX folder;
//         default or "": the embedded MNIST, first 2,500 training images)
using System.Globalization;
using Latent.Data;
using Latent.Gp;
using static TorchSharp.torch;

var path = args.Length > 0 && args[0].Length > 0 ? args[0] : null;
var options = SvgpClassifierOptions.Default with
{
    Kernel = "matern52+white",
    Ard = true,
    Inducing = "every:5",
    Whiten = true,
    QDiagonal = true,
    Iterations = args.Length > 1 ? int.Parse(args[1], CultureInfo.InvariantCulture) : SvgpClassifierOptions.Default.Iterations,
};

using var full = DatasetLoader.Load(new DataOptions { Path = path });
var dataset = path is null ? full.Take(2500, 2000) : full;
Console.WriteLine($"{dataset.Source}: {dataset.Train.Count} training and {dataset.Test.Count} test examples, {dataset.FeatureCount} features, {dataset.ClassCount} classes");

using var model = new SvgpClassifier(options);
var elbo = model.Fit(dataset, progress => { if (progress.Step % 500 == 0) Console.WriteLine($"step {progress.Step}/{progress.TotalSteps}: -ELBO per example {progress.Loss:F3}"); });
var metrics = model.Evaluate(dataset.Test);
Console.WriteLine($"{model.Model.InducingCount} inducing points; test accuracy {metrics.Accuracy:P2}, NLPD {metrics.Nlpd:F4} nats, ECE {metrics.Ece:F4}");

// predict_f_samples pushed through RobustMax give 1 − ε or ε/(K − 1) each; their average approaches predict_y.
using var x = dataset.Test.Features.narrow(0, 0, 3);
var (predictY, _) = model.PredictY(x);
using var samples = model.PredictFSamples(x, 1000);
using var sampled = model.LinkProbabilities(samples).mean([0]);
for (var i = 0; i < 3; i++)
{
    var top = predictY[i].argmax().item<long>();
    Console.WriteLine($"test example {i}: predict_y p(class {dataset.ClassNames[(int)top]}) = {predictY[i, top].item<double>():F4}; mean of 1000 linked samples = {sampled[i, top].item<double>():F4}");
}

var folder = Path.Combine(Path.GetTempPath(), "latent-svgp-sample");
model.Save(folder);
using var reloaded = SvgpClassifier.Load(folder);
Console.WriteLine($"saved to {folder}; reloaded test accuracy {reloaded.Evaluate(dataset.Test).Accuracy:P2}");
