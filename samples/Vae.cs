#:project ../src/Latent/Latent.csproj
#:package libtorch-cpu-linux-x64
#:property PublishAot=false
// A variational autoencoder on your own data, from C# alone: a Gaussian decoder for real-valued vectors (standardised,
// log-likelihood reported in the data's units), a Bernoulli decoder for images in [0, 1].
// Usage: dotnet run samples/Vae.cs -- [DATA] [DECODER] [EPOCHS]
//   DATA     a .csv/.npz/.npy file, an image folder or an IDX folder (default or "": the embedded MNIST)
//   DECODER  bernoulli, gaussian-fixed or gaussian-learned (default: bernoulli for the embedded MNIST, else gaussian-learned)
using System.Globalization;
using Latent.Data;
using Latent.Vae;

var path = args.Length > 0 && args[0].Length > 0 ? args[0] : null;
var decoder = VaeOptions.ParseDecoder(args.Length > 1 ? args[1] : path is null ? "bernoulli" : "gaussian-learned");
var options = VaeOptions.Default with
{
    Decoder = decoder,
    Epochs = args.Length > 2 ? int.Parse(args[2], CultureInfo.InvariantCulture) : VaeOptions.Default.Epochs,
    EvalIwaeExamples = 1000,
};

using var dataset = DatasetLoader.Load(new DataOptions { Path = path, Standardize = decoder != DecoderKind.Bernoulli });
Console.WriteLine($"{dataset.Source}: {dataset.Train.Count} training and {dataset.Test.Count} test examples of shape [{string.Join(", ", dataset.ExampleShape)}]");

using var model = VaeModel.For(dataset, options);
model.Fit(dataset, progress => { if (progress.Step == progress.TotalSteps) Console.WriteLine($"trained {progress.Step} steps"); });
var metrics = model.Evaluate(dataset.Test);
Console.WriteLine($"{model}: test -ELBO {metrics.TestNegativeElbo:F2} nats, IWAE (k = {metrics.IwaeSamples}) log-likelihood {metrics.TestIwaeLogLikelihood:F2} nats per example on {metrics.IwaeExamples} test examples");

var folder = Path.Combine(Path.GetTempPath(), "latent-vae-sample");
model.Save(folder);
using var reloaded = VaeModel.Load(folder);
Console.WriteLine($"saved to {folder}; reloaded test -ELBO {reloaded.Evaluate(dataset.Test, iwaeSamples: 0).TestNegativeElbo:F2} nats");
foreach (var (figure, caption) in VaeFigures.WriteAll(folder, reloaded, dataset.Test, seed: 1)) Console.WriteLine($"{figure}: {caption}");
