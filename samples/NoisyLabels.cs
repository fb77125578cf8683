#:project ../src/Latent/Latent.csproj
#:package libtorch-cpu-linux-x64
#:property PublishAot=false
// Noisy labels with a learned transition matrix Q, from C# alone.
// Usage: dotnet run samples/NoisyLabels.cs -- [DATA] [NOISE] [EPOCHS]
//   DATA   an image folder (train/<class>/*.png, test/<class>/…), .npz, .csv or IDX folder (default: the embedded MNIST)
//   NOISE  symmetric:RATE, pairflip:RATE or a C×C CSV of T, columns = true class (default: symmetric:0.5)
using System.Globalization;
using Latent.Data;
using Latent.Noisy;

var data = args.Length > 0 ? args[0] : null;
var noise = args.Length > 1 ? args[1] : NoisyClassifier.DefaultNoise;
var options = NoisyTrainingOptions.Default with { Epochs = args.Length > 2 ? int.Parse(args[2], CultureInfo.InvariantCulture) : NoisyTrainingOptions.Default.Epochs };

using var dataset = DatasetLoader.Load(new DataOptions { Path = data });
Console.WriteLine($"{dataset.Source}: {dataset.Train.Count} training and {dataset.Test.Count} test examples of shape [{string.Join(", ", dataset.ExampleShape)}], classes {string.Join(", ", dataset.ClassNames)}");

using var model = NoisyClassifier.For(dataset, options);
var result = model.Fit(dataset, noise, progress => { if (progress.Step == progress.TotalSteps) Console.WriteLine($"trained {progress.Step} steps"); });
var metrics = model.Evaluate(dataset.Test);
Console.WriteLine($"clean test accuracy {metrics.Clean.Accuracy:P2} (epoch {result.SelectedEpoch} picked by the noisy validation loss)");
if (metrics.TransitionMaxAbsError is { } error) Console.WriteLine($"max |Q - T| = {error:F4}");

var q = model.Transition();
Console.WriteLine("learned Q (rows: noisy label, columns: true label):");
for (var i = 0; i < model.ClassCount; i++)
    Console.WriteLine("  " + string.Join("  ", Enumerable.Range(0, model.ClassCount).Select(j => q[i * model.ClassCount + j].ToString("F3", CultureInfo.InvariantCulture))));

var folder = Path.Combine(Path.GetTempPath(), "latent-noisy-sample");
model.Save(folder);
using var reloaded = NoisyClassifier.Load(folder);
Console.WriteLine($"saved to {folder}; reloaded accuracy {reloaded.Evaluate(dataset.Test).Clean.Accuracy:P2}");
