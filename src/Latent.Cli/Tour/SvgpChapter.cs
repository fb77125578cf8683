using System.Diagnostics;
using Latent.Gp;
using Latent.Reporting;
using static TorchSharp.torch;

namespace Latent.Cli.Tour;

/// <summary>
/// The SVGP chapter: a multiclass sparse GP on MNIST (Matérn-5/2 + White ARD kernel, RobustMax), then what happens when latent
/// samples are pushed through RobustMax one by one, how their average approaches predict_y, and why predict_y is smoother where the latent means are close.
/// </summary>
public sealed class SvgpChapter : ITourChapter
{
    private const int Samples = 2000;

    /// <inheritdoc />
    public string Name => "svgp";

    /// <inheritdoc />
    public string Title => "A sparse variational GP classifier on MNIST: RobustMax on latent samples vs predict_y";

    /// <inheritdoc />
    public void Run(ChapterContext context)
    {
        var options = new SvgpClassifierOptions
        {
            Ard = true, Inducing = "every:50", QDiagonal = true, BatchSize = 200, LearningRate = 0.03, Iterations = context.Scaled(3000, 10), Seed = context.Seed,
        };
        using var mnist = DatasetLoader.EmbeddedMnist();
        using var data = mnist.Take(5000, 2000);
        using var classifier = new SvgpClassifier(options);
        var clock = Stopwatch.StartNew();
        var elbos = context.Ui.Progress(progress =>
        {
            var bar = progress.AddTask("SVGP steps", maxValue: options.Iterations);
            return classifier.Fit(data, step => bar.Value = step.Step);
        });
        var seconds = clock.Elapsed.TotalSeconds;
        classifier.Save(context.PathFor("model"));
        var metrics = classifier.Evaluate(data.Test);
        context.Ui.Info($"test accuracy {metrics.Accuracy:P2}, mean NLPD {metrics.Nlpd:F4}, ECE {metrics.Ece:F4} on {metrics.Count} images");
        using var generator = new Generator((ulong)context.Seed + 1, CPU);
        var study = LinkSamplingStudy.Run(classifier, data.Test.Features, Samples, generator);

        context.Report.Heading(Title)
            .Paragraph($"Setup (GPflow's MNIST model at a smaller scale): {data.Train.Count} MNIST training images, kernel `{options.Kernel}` with one lengthscale per pixel (ARD), " +
                $"M = {classifier.Model.InducingCount} inducing inputs ({InducingSpec.Parse(options.Inducing).Describe()}), {data.ClassCount} latent GPs sharing the kernel, RobustMax likelihood (ε = 10⁻³), " +
                $"whitened diagonal q(u), lengthscales started at the median pairwise distance {classifier.InitialLengthscale:G3}. Adam (lr {options.LearningRate.ToString(CultureInfo.InvariantCulture)}) took {elbos.Count} steps " +
                $"on minibatches of {options.BatchSize} in {seconds:0.0} s; the ELBO per image went from {elbos[0]:F3} to {elbos.TakeLast(50).Average():F3} (mean of the last 50 steps).")
            .Image(SvgpFigures.Elbo(context.PathFor("svgp-elbo.png"), elbos), "Minibatch ELBO per training image (the bound on log p(y) that SVGP maximises).")
            .Heading("Test accuracy and calibration", 3)
            .Table(["test images", "accuracy", "mean NLPD (nats)", "expected calibration error", "published (Hensman et al. 2015: 60k images, M = 500)"],
                [[metrics.Count.ToString(CultureInfo.InvariantCulture), $"{metrics.Accuracy:P2}", $"{metrics.Nlpd:F4}", $"{metrics.Ece:F4}", "≈ 2% error"]])
            .Image(SvgpFigures.Calibration(context.PathFor("svgp-calibration.png"), metrics), "Reliability diagram: accuracy of the test images in each confidence bin (confidence = largest predict_y probability).");

        var first = study.Ambiguous[0];
        var classes = Enumerable.Range(0, data.ClassCount).ToArray();
        string Row(IEnumerable<double> values) => string.Join(" ", values.Select(v => v.ToString("G4", CultureInfo.InvariantCulture)));
        context.Report.Heading("Latent samples through the inverse link vs predict_y", 3)
            .Paragraph($"Test image #{first} (label {Label(data, first)}) is the most ambiguous one. Three of its latent samples f ~ q(f*), each pushed through RobustMax, give these class probabilities: " +
                $"every sample puts {study.FirstSamples[0].Max():G4} = 1 − ε on its arg-max class and ε/(K−1) = {study.FirstSamples[0].Min():G4} on each other class, so a single sample is a hard vote.")
            .Table(["", $"probabilities of classes {string.Join(", ", classes)}"],
                study.FirstSamples.Select((row, s) => (IReadOnlyList<string>)[$"sample {s + 1}", Row(row)]).Append(["predict_y", Row(study.Probabilities[first])]))
            .Paragraph($"Averaging many such samples approaches predict_y: the largest difference over {study.Chosen.Length} images and {data.ClassCount} classes falls from " +
                $"{study.LargestErrors[0]:G3} with {study.SampleCounts[0]} samples to {study.LargestErrors[^1]:G3} with {study.SampleCounts[^1]}, at the 1/√n rate of a Monte Carlo average. " +
                "predict_y computes the same expectation exactly (up to 20-point Gauss–Hermite quadrature): P(class k's latent is the largest) mapped through ε.")
            .Table(["image", "label", "top-2 classes", "latent means μ₁, μ₂", "(μ₁−μ₂)/√(v₁+v₂)", "predict_y p₁, p₂", $"average of {Samples} samples p₁, p₂"],
                study.Chosen.Select((index, j) =>
                {
                    var (a, b, gap) = study.LeadingClasses(index);
                    var (p, mean, average) = (study.Probabilities[index], study.LatentMean[index], study.SampleAverages[j]);
                    return (IReadOnlyList<string>)[$"#{index} ({(j < study.Ambiguous.Length ? "ambiguous" : "confident")})", Label(data, index), $"{a}, {b}",
                        $"{mean[a]:F2}, {mean[b]:F2}", $"{gap:F2}", $"{p[a]:F3}, {p[b]:F3}", $"{average[a]:F3}, {average[b]:F3}"];
                }));

        var (close, closeCount) = study.TopProbabilityWhereGap(double.NegativeInfinity, 1);
        var (far, farCount) = study.TopProbabilityWhereGap(3, double.PositiveInfinity);
        var bins = Enumerable.Range(0, 12).Select(b => (Centre: b * 0.5 + 0.25, Top: study.TopProbabilityWhereGap(b * 0.5, b * 0.5 + 0.5))).Where(b => b.Top.Count > 0).ToList();
        var axis = classes.Select(k => (double)k).ToList();
        IChart[] charts =
        [
            new LineChart("Largest |sample average − predict_y| over the chosen images", "log10(number of latent samples)", "absolute difference") { LogY = true }
                .Add("sample average of inverse-link probabilities", study.SampleCounts.Select(n => Math.Log10(n)).ToList(), study.LargestErrors)
                .Add("0.5/√n (Monte Carlo standard error scale)", study.SampleCounts.Select(n => Math.Log10(n)).ToList(), study.SampleCounts.Select(n => 0.5 / Math.Sqrt(n)).ToList()),
            new LineChart("Largest predict_y probability vs latent-mean gap", "(μ₁ − μ₂) / √(v₁ + v₂)", "mean of max predict_y")
                .Add("test images (binned)", bins.Select(b => b.Centre).ToList(), bins.Select(b => b.Top.MeanTop).ToList()),
            .. study.Ambiguous.Select((index, j) => new LineChart($"Test image #{index} (label {Label(data, index)})", "class", "probability")
                .Add("predict_y", axis, study.Probabilities[index]).Add($"average of {Samples} samples", axis, study.SampleAverages[j])
                .Add("one latent sample through the link", axis, study.SingleSamples[j])),
        ];
        using var ambiguousImages = data.Test.Features.index_select(0, tensor(study.Ambiguous.Select(i => (long)i).ToArray())).contiguous();
        var (rows, columns) = ((int)data.ExampleShape[1], (int)data.ExampleShape[2]);
        context.Report.Paragraph("predict_y is smoother where the latent means are close. RobustMax applied to the latent *mean* is always 1 − ε for its arg-max, however small the lead; " +
                "predict_y integrates over the latent uncertainty, so when the two leading latent means are within a few standard deviations, both classes win in a share of the samples and predict_y spreads its mass between them. " +
                $"Over the {study.Probabilities.Length} test images, the mean largest predict_y probability is {close:F3} where (μ₁−μ₂)/√(v₁+v₂) < 1 ({closeCount} images) and {far:F3} where it is ≥ 3 ({farCount} images).")
            .Image(ImageGrid.SavePng(context.PathFor("svgp-ambiguous-digits.png"), ambiguousImages.data<float>().ToArray(), study.Ambiguous.Length, rows, columns, study.Ambiguous.Length, 3),
                $"The {study.Ambiguous.Length} most ambiguous test images (smallest gap between the two largest predict_y probabilities), left to right.")
            .Image(Figure.SavePng(context.PathFor("svgp-samples.png"), charts, 2), "Top left: sample averages converge to predict_y. Top right: largest predict_y probability against the standardized gap " +
                "of the two leading latent means. Below: for each ambiguous image, predict_y, the average of the sampled class probabilities, and one single sample.");
    }

    private static string Label(Dataset data, int index) => data.ClassNames[(int)data.Test.Labels![index].item<long>()];
}
