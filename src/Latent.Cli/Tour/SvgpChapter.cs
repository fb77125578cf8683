using System.Diagnostics;
using System.Globalization;
using System.Text.Json;
using Latent.Cli.Infrastructure;
using Latent.Data;
using Latent.Gp;
using Latent.Gp.Kernels;
using Latent.Gp.Likelihoods;
using Latent.Gp.Models;
using Latent.IO;
using Latent.Reporting;
using Latent.Training;
using static TorchSharp.torch;

namespace Latent.Cli.Tour;

/// <summary>
/// The SVGP chapter (seed S3): a multiclass sparse GP on MNIST with Matérn-5/2 + White ARD kernels and RobustMax, then what
/// happens when latent samples are pushed through RobustMax (0.999 / 0.0001 probabilities), how their average approaches
/// predict_y, and why predict_y is smoother where the latent means are close.
/// </summary>
public sealed class SvgpChapter : ITourChapter
{
    private const int Classes = 10;
    private const int Pixels = 784;
    private const double InitialKernelVariance = 5.0;
    private const string ModelFile = "svgp-model.dat";
    private const string SettingsFile = "svgp-model.json";

    /// <inheritdoc />
    public string Name => "svgp";

    /// <inheritdoc />
    public string Title => "A sparse variational GP classifier on MNIST: RobustMax on latent samples vs predict_y";

    /// <inheritdoc />
    public void Run(ChapterContext context) => Run(context, new SvgpSettings { Iterations = context.Scaled(3000, 10) });

    /// <summary>Trains the model with <paramref name="settings"/>, saves it, evaluates it on the test subset and appends the report section.</summary>
    public void Run(ChapterContext context, SvgpSettings settings)
    {
        var model = Train(context, settings);
        Evaluate(context, model, settings);
    }

    /// <summary>Trains an SVGP on the first TrainExamples MNIST training images; writes the ELBO curve and the model (svgp-model.dat/.json).</summary>
    public Svgp Train(ChapterContext context, SvgpSettings settings)
    {
        if (settings.ContinueWithFullQ && settings.InitFrom is null)
            throw new LatentException("--full-q turns a saved diagonal q(u) into a full one: give the model with --init-from (a fresh model has a full q unless --q-diag)");
        var continued = settings.InitFrom is { } from ? LoadSaved(from) : default((Svgp Model, SvgpSettings Settings, long StepsTaken)?);
        if (continued is { Settings: var saved })
            settings = settings with { Kernel = saved.Kernel, Ard = saved.Ard, Inducing = saved.Inducing, Whiten = saved.Whiten, QDiagonal = saved.QDiagonal, Likelihood = saved.Likelihood, Deskew = saved.Deskew };
        using var train = LoadSubset(settings.DataDirectory, MnistSplit.Train, settings.TrainExamples, settings.Deskew);
        using var generator = new Generator((ulong)context.Seed, CPU);
        Svgp model;
        long previousSteps = 0;
        var widenedFromDiagonal = false;
        if (continued is { } loaded)
        {
            if (loaded.Model.DataCount != train.Count)
                throw new LatentException($"{settings.InitFrom}: that model was trained on {loaded.Model.DataCount} images, this run uses {train.Count} (--train-examples)");
            (model, previousSteps) = (loaded.Model, loaded.StepsTaken);
            context.Ui.Info($"SVGP: continuing the model in {settings.InitFrom} ({previousSteps} steps so far); Adam starts afresh");
            if (settings.ContinueWithFullQ && model.QDiagonal)
            {
                model = model.WithFullCovariance();
                settings = settings with { QDiagonal = false };
                widenedFromDiagonal = true;
                context.Ui.Info("SVGP: its diagonal q(u) becomes the starting point of a full q(u)");
            }
        }
        else
        {
            var lengthscale = MedianDistance(train.Images, generator);
            var kernel = KernelSpec.Parse(settings.Kernel, Pixels, settings.Ard, InitialKernelVariance, lengthscale);
            var inducing = InducingInputs(settings.Inducing, train.Images, generator);
            model = Build(settings, kernel, inducing, train.Count, generator);
            context.Ui.Info($"SVGP: {settings.Kernel}{(settings.Ard ? " (ARD)" : "")}, M = {inducing.shape[0]} inducing inputs, N = {train.Count}, {settings.Likelihood}, " +
                $"{(settings.Whiten ? "whitened" : "unwhitened")}, {(settings.QDiagonal ? "diagonal" : "full")} q(u); initial lengthscale {lengthscale:G3} (median pairwise distance)");
        }

        var clock = Stopwatch.StartNew();
        var timeLimit = settings.TimeLimitMinutes is { } minutes ? TimeSpan.FromMinutes(minutes) : (TimeSpan?)null;
        var elbos = context.Ui.Progress(progress =>
        {
            var bar = progress.AddTask("SVGP Adam steps", maxValue: settings.Iterations);
            return SvgpTraining.Train(model, train.Images, train.Labels, settings.Iterations, settings.BatchSize, settings.LearningRate, generator,
                (step, _) => bar.Value = step + 1, timeLimit, settings.FinalLearningRate, settings.NaturalGradientStep);
        });
        var seconds = clock.Elapsed.TotalSeconds;
        // Saved before anything is plotted, so that a failure while writing figures cannot lose a long training run.
        var (modelPath, settingsPath) = Save(context, model, settings, train.Count, previousSteps + elbos.Count);
        foreach (var path in new[] { modelPath, settingsPath }) context.Ui.Wrote(path);

        var curve = new LearningCurve();
        for (var i = 0; i < elbos.Count; i++)
            curve.Steps.Add(new CurvePoint(i + 1, (i + 1.0) * Math.Min(settings.BatchSize, train.Count) / train.Count, elbos[i] / train.Count));
        var csv = context.PathFor("svgp-elbo.csv");
        curve.WriteCsv(csv);
        var steps = Enumerable.Range(1, elbos.Count).Select(i => (double)i).ToList();
        var perPoint = elbos.Select(e => e / train.Count).ToList();
        var chart = new LineChart("ELBO per training image (minibatch estimates)", "Adam step", "ELBO / N")
            .Add("minibatch", steps, perPoint)
            .Add("moving average of 50", steps, MovingAverage(perPoint, 50));
        var png = chart.SavePng(context.PathFor("svgp-elbo.png"));
        foreach (var path in new[] { csv, png }) context.Ui.Wrote(path);

        var report = context.Report;
        report.Heading(Title);
        report.Paragraph($"Setup (the seed's GPflow model{(train.Count < 60000 ? " at a smaller scale" : "")}): {train.Count} MNIST training images{(settings.Deskew ? " (deskewed, as are the test images)" : "")}, kernel `{settings.Kernel}`" +
            $"{(settings.Ard ? " with one lengthscale per pixel (ARD)" : "")}, M = {model.InducingCount} inducing inputs ({Describe(settings.Inducing)}), " +
            $"{Classes} latent GPs sharing the kernel, {(settings.Likelihood == "robustmax" ? "RobustMax (ε = 10⁻³)" : "softmax (Monte Carlo)")} likelihood, " +
            $"{(settings.Whiten ? "whitened" : "unwhitened")} {(settings.QDiagonal ? "diagonal" : "full")} q(u). " +
            (settings.NaturalGradientStep is { } gamma ? $"Natural-gradient steps of size {gamma.ToString(CultureInfo.InvariantCulture)} on q(u) and " : "") +
            $"Adam (lr {settings.LearningRate.ToString(CultureInfo.InvariantCulture)}{(settings.FinalLearningRate is { } final ? $", cosine-annealed to {final.ToString(CultureInfo.InvariantCulture)}" : "")}{(settings.NaturalGradientStep is null ? "" : ", on the other parameters")}) took {elbos.Count} steps on minibatches of {settings.BatchSize} in {seconds:0.0} s" +
            (previousSteps > 0 ? $", continuing a model already trained for {previousSteps} steps{(widenedFromDiagonal ? " with a diagonal q(u), where the full q started" : "")} ({previousSteps + elbos.Count} in all); " : "; ") +
            $"the ELBO per image went from {perPoint[0]:F3} to {perPoint.TakeLast(50).Average():F3} (mean of the last 50 steps).");
        report.Image(png, "Minibatch ELBO per training image (the bound on log p(y) that SVGP maximises).");
        return model;
    }

    /// <summary>Evaluates a trained model on the first TestExamples test images and writes the RobustMax sampling study and the calibration plot.</summary>
    public void Evaluate(ChapterContext context, Svgp model, SvgpSettings settings)
    {
        if (model.Likelihood is not MultiClass likelihood) throw new LatentException("svgp: the model's likelihood is not MultiClass");
        using var test = LoadSubset(settings.DataDirectory, MnistSplit.Test, settings.TestExamples, settings.Deskew);
        using var scope = NewDisposeScope();
        var x = test.Images.to(float64);
        var (fMean, fVariance) = model.PredictF(x);
        Tensor probabilities, logDensity;
        using (no_grad())
        {
            probabilities = likelihood.PredictMeanAndVariance(fMean, fVariance).Mean;
            logDensity = likelihood.PredictLogDensity(fMean, fVariance, test.Labels);
        }
        var labels = test.Labels.data<long>().ToArray();
        var p = ToRows(probabilities);
        var mean = ToRows(fMean);
        var variance = ToRows(fVariance);
        var predicted = p.Select(ArgMax).ToArray();
        var accuracy = predicted.Zip(labels, (a, b) => a == b ? 1.0 : 0.0).Average();
        var nlpd = -logDensity.mean().item<double>();

        var report = context.Report;
        report.Heading("Test accuracy and calibration", 3);
        var (calibrationPng, ece) = Calibration(context, p, labels);
        report.Table(new[] { "test images", "accuracy", "error", "mean NLPD (nats)", "expected calibration error", "published (Hensman et al. 2015: 60k raw-pixel images, M = 500)" },
            new[] { (IReadOnlyList<string>)new[] { test.Count.ToString(CultureInfo.InvariantCulture), $"{accuracy:P2}", $"{1 - accuracy:P2}", $"{nlpd:F4}", $"{ece:F4}", "≈ 2% error" } });
        report.Image(calibrationPng, "Reliability diagram: accuracy of the test images in each confidence bin (confidence = largest predict_y probability).");
        context.Ui.Info($"test accuracy {accuracy:P2} (error {1 - accuracy:P2}), mean NLPD {nlpd:F4}, ECE {ece:F4} on {test.Count} images");

        SamplingStudy(context, model, likelihood, settings, test, x, p, mean, variance, labels);
    }

    /// <summary>Loads a model written by <see cref="Train"/> from <paramref name="directory"/>, with the settings it was trained with.</summary>
    public static (Svgp Model, SvgpSettings Settings) Load(string directory)
    {
        var (model, settings, _) = LoadSaved(directory);
        return (model, settings);
    }

    private static (Svgp Model, SvgpSettings Settings, long StepsTaken) LoadSaved(string directory)
    {
        var settingsPath = Path.Combine(directory, SettingsFile);
        var modelPath = Path.Combine(directory, ModelFile);
        if (!File.Exists(settingsPath) || !File.Exists(modelPath)) throw new LatentException($"{directory}: no trained SVGP here (expected {SettingsFile} and {ModelFile} from `latent svgp train`)");
        SavedModel saved;
        try
        {
            saved = JsonSerializer.Deserialize<SavedModel>(File.ReadAllText(settingsPath)) ?? throw new JsonException("empty");
        }
        catch (JsonException e)
        {
            throw new LatentException($"{settingsPath}: unreadable model description ({e.Message.ReplaceLineEndings(" ")})", e);
        }
        using var generator = new Generator(0, CPU);
        var kernel = KernelSpec.Parse(saved.Settings.Kernel, Pixels, saved.Settings.Ard);
        using var placeholder = randn(saved.InducingCount, Pixels, dtype: float64, generator: generator);
        var model = Build(saved.Settings, kernel, placeholder, saved.TrainCount, generator);
        try
        {
            model.load(modelPath);
        }
        catch (Exception e) when (e is not LatentException)
        {
            throw new LatentException($"{modelPath}: does not hold the weights of the model described in {SettingsFile} ({e.Message.ReplaceLineEndings(" ")})", e);
        }
        return (model, saved.Settings, saved.StepsTaken);
    }

    private void SamplingStudy(ChapterContext context, Svgp model, MultiClass likelihood, SvgpSettings settings, MnistData test, Tensor x,
        double[][] p, double[][] mean, double[][] variance, long[] labels)
    {
        var robust = likelihood.Link is RobustMax;
        var epsilon = likelihood.Link is RobustMax r ? r.Epsilon : 0.0;
        var ambiguous = Enumerable.Range(0, p.Length).OrderBy(i => TopGap(p[i])).Take(4).ToArray();
        var confident = Enumerable.Range(0, p.Length).OrderByDescending(i => TopGap(p[i])).Take(2).ToArray();
        var chosen = ambiguous.Concat(confident).ToArray();

        using var generator = new Generator((ulong)context.Seed + 1, CPU);
        using var rows = tensor(chosen.Select(i => (long)i).ToArray());
        var latentSamples = model.PredictFSamples(x.index_select(0, rows), settings.Samples, generator, fullCov: false);
        var sampled = likelihood.ClassProbabilitiesFromLatent(latentSamples);
        var cumulative = sampled.cumsum(0);

        var report = context.Report;
        report.Heading("Latent samples through the inverse link vs predict_y", 3);
        var first = ambiguous[0];
        using var firstSamples = sampled.select(1, 0).narrow(0, 0, 3);
        var sampleRows = ToRows(firstSamples);
        report.Paragraph($"Test image #{first} (label {labels[first]}) is the most ambiguous one. Three of its latent samples f ~ q(f*), each pushed through " +
            $"{(robust ? "RobustMax" : "softmax")}, give these class probabilities" +
            (robust ? $": every sample puts {1 - epsilon:G4} on its arg-max class and ε/(K−1) = {epsilon / (Classes - 1):G4} on each other class, so a single sample is a hard vote." : "."));
        report.Table(new[] { "sample" }.Concat(Enumerable.Range(0, Classes).Select(k => k.ToString(CultureInfo.InvariantCulture))).ToArray(),
            sampleRows.Select((row, s) => (IReadOnlyList<string>)new[] { $"#{s + 1}" }.Concat(row.Select(v => v.ToString("G4", CultureInfo.InvariantCulture))).ToArray())
                .Append(new[] { "predict_y" }.Concat(p[first].Select(v => v.ToString("G4", CultureInfo.InvariantCulture))).ToArray()));

        var counts = new[] { 10, 30, 100, 300, 1000, 3000, 10000 }.Where(n => n <= settings.Samples).Append(settings.Samples).Distinct().ToArray();
        var errors = counts.Select(n =>
        {
            using var average = cumulative.select(0, n - 1) / n;
            var rowsOfAverage = ToRows(average);
            return chosen.Select((index, j) => rowsOfAverage[j].Zip(p[index], (a, b) => Math.Abs(a - b)).Max()).Max();
        }).ToArray();
        var convergence = new LineChart("Largest |sample average − predict_y| over the chosen digits", "log10(number of latent samples)", "absolute difference") { LogY = true }
            .Add("sample average of inverse-link probabilities", counts.Select(n => Math.Log10(n)).ToList(), errors.ToList())
            .Add("0.5/√n (Monte Carlo standard error scale)", counts.Select(n => Math.Log10(n)).ToList(), counts.Select(n => 0.5 / Math.Sqrt(n)).ToList());
        using var finalAverage = cumulative.select(0, settings.Samples - 1) / settings.Samples;
        var averages = ToRows(finalAverage);
        report.Paragraph($"Averaging many such samples approaches predict_y: the largest difference over {chosen.Length} digits and {Classes} classes falls from " +
            $"{errors[0]:G3} with {counts[0]} samples to {errors[^1]:G3} with {counts[^1]}, at the 1/√n rate of a Monte Carlo average. " +
            (robust ? "predict_y computes the same expectation exactly (up to 20-point Gauss–Hermite quadrature): P(class k's latent is the largest) mapped through ε." : ""));

        report.Table(new[] { "image", "label", "top-2 classes", "latent means μ₁, μ₂", "(μ₁−μ₂)/√(v₁+v₂)", "predict_y p₁, p₂", $"average of {settings.Samples} samples p₁, p₂" },
            chosen.Select((index, j) =>
            {
                var order = Enumerable.Range(0, Classes).OrderByDescending(k => mean[index][k]).Take(2).ToArray();
                var gap = (mean[index][order[0]] - mean[index][order[1]]) / Math.Sqrt(variance[index][order[0]] + variance[index][order[1]]);
                return (IReadOnlyList<string>)new[]
                {
                    $"#{index}{(j < ambiguous.Length ? " (ambiguous)" : " (confident)")}", labels[index].ToString(CultureInfo.InvariantCulture), $"{order[0]}, {order[1]}",
                    $"{mean[index][order[0]]:F2}, {mean[index][order[1]]:F2}", $"{gap:F2}",
                    $"{p[index][order[0]]:F3}, {p[index][order[1]]:F3}", $"{averages[j][order[0]]:F3}, {averages[j][order[1]]:F3}",
                };
            }));

        var smoothness = Smoothness(p, mean, variance);
        report.Paragraph("predict_y is smoother where the latent means are close. " +
            (robust ? $"RobustMax applied to the latent *mean* is always {1 - epsilon:G4} for its arg-max, however small the lead; " : "") +
            "predict_y integrates over the latent uncertainty, so when the two leading latent means are within a few standard deviations, both classes win in a share of the samples and predict_y spreads its mass between them. " +
            $"Over the {p.Length} test images, the mean largest predict_y probability is {smoothness.CloseMean:F3} where (μ₁−μ₂)/√(v₁+v₂) < 1 ({smoothness.CloseCount} images) and {smoothness.FarMean:F3} where it is ≥ 3 ({smoothness.FarCount} images).");

        var charts = new List<IChart> { convergence, smoothness.Chart };
        for (var j = 0; j < ambiguous.Length; j++)
        {
            var index = ambiguous[j];
            using var one = sampled.select(1, j).select(0, 0);
            var classesAxis = Enumerable.Range(0, Classes).Select(k => (double)k).ToList();
            charts.Add(new LineChart($"Test image #{index} (label {labels[index]})", "class", "probability")
                .Add("predict_y", classesAxis, p[index])
                .Add($"average of {settings.Samples} samples", classesAxis, averages[j])
                .Add("one latent sample through the link", classesAxis, one.data<double>().ToArray()));
        }
        var figure = Figure.SavePng(context.PathFor("svgp-samples.png"), charts, 2);
        var pixels = ambiguous.SelectMany(i => { using var image = test.Images.select(0, i); return image.data<float>().ToArray(); }).ToArray();
        var digits = ImageGrid.SavePng(context.PathFor("svgp-ambiguous-digits.png"), pixels, ambiguous.Length, 28, 28, ambiguous.Length, 3);
        context.Ui.Wrote(figure);
        context.Ui.Wrote(digits);
        report.Image(digits, $"The {ambiguous.Length} most ambiguous test images (smallest gap between the two largest predict_y probabilities), left to right.");
        report.Image(figure, "Top left: sample averages converge to predict_y. Top right: largest predict_y probability against the standardized gap of the two leading latent means. " +
            "Below: for each ambiguous image, predict_y, the average of the sampled class probabilities, and one single sample.");
    }

    private static (double CloseMean, int CloseCount, double FarMean, int FarCount, LineChart Chart) Smoothness(double[][] p, double[][] mean, double[][] variance)
    {
        var points = p.Select((row, i) =>
        {
            var order = Enumerable.Range(0, Classes).OrderByDescending(k => mean[i][k]).Take(2).ToArray();
            var gap = (mean[i][order[0]] - mean[i][order[1]]) / Math.Sqrt(variance[i][order[0]] + variance[i][order[1]]);
            return (Gap: gap, Top: row.Max());
        }).ToArray();
        var close = points.Where(q => q.Gap < 1).ToArray();
        var far = points.Where(q => q.Gap >= 3).ToArray();
        var bins = Enumerable.Range(0, 12).Select(b => (Low: b * 0.5, High: (b + 1) * 0.5)).ToArray();
        var centres = new List<double>();
        var tops = new List<double>();
        foreach (var (low, high) in bins)
        {
            var inside = points.Where(q => q.Gap >= low && q.Gap < high).ToArray();
            if (inside.Length == 0) continue;
            centres.Add((low + high) / 2);
            tops.Add(inside.Average(q => q.Top));
        }
        var chart = new LineChart("Largest predict_y probability vs latent-mean gap", "(μ₁ − μ₂) / √(v₁ + v₂)", "mean of max predict_y")
            .Add("test images (binned)", centres, tops);
        return (close.Length > 0 ? close.Average(q => q.Top) : double.NaN, close.Length, far.Length > 0 ? far.Average(q => q.Top) : double.NaN, far.Length, chart);
    }

    private static (string Png, double Ece) Calibration(ChapterContext context, double[][] p, long[] labels)
    {
        const int bins = 10;
        var confidence = new double[bins];
        var correct = new double[bins];
        var count = new int[bins];
        for (var i = 0; i < p.Length; i++)
        {
            var top = p[i].Max();
            var bin = Math.Min(bins - 1, (int)(top * bins));
            confidence[bin] += top;
            correct[bin] += ArgMax(p[i]) == labels[i] ? 1 : 0;
            count[bin]++;
        }
        var used = Enumerable.Range(0, bins).Where(b => count[b] > 0).ToArray();
        var ece = used.Sum(b => count[b] / (double)p.Length * Math.Abs(correct[b] / count[b] - confidence[b] / count[b]));
        var chart = new LineChart("Calibration of predict_y on the test images", "mean confidence in bin", "accuracy in bin")
            .Add("SVGP", used.Select(b => confidence[b] / count[b]).ToList(), used.Select(b => correct[b] / count[b]).ToList())
            .Add("perfect calibration", new[] { 0.0, 1.0 }, new[] { 0.0, 1.0 });
        var png = chart.SavePng(context.PathFor("svgp-calibration.png"));
        context.Ui.Wrote(png);
        return (png, ece);
    }

    private static Svgp Build(SvgpSettings settings, Kernel kernel, Tensor inducing, long trainCount, Generator generator)
    {
        MulticlassLink link = settings.Likelihood switch
        {
            "robustmax" => new RobustMax(),
            "softmax" => new Softmax(20, generator),
            _ => throw new LatentException($"svgp: unknown likelihood '{settings.Likelihood}'; use robustmax or softmax"),
        };
        return new Svgp(kernel, new MultiClass(Classes, link), inducing, Classes, trainCount,
            new SvgpOptions { Whiten = settings.Whiten, QDiagonal = settings.QDiagonal });
    }

    private static (string Model, string Settings) Save(ChapterContext context, Svgp model, SvgpSettings settings, long trainCount, long stepsTaken)
    {
        var modelPath = context.PathFor(ModelFile);
        var settingsPath = context.PathFor(SettingsFile);
        AtomicFile.Write(modelPath, temp => model.save(temp));
        var saved = new SavedModel(settings with { InitFrom = null, ContinueWithFullQ = false }, model.InducingCount, trainCount, stepsTaken);
        AtomicFile.WriteText(settingsPath, JsonSerializer.Serialize(saved, new JsonSerializerOptions { WriteIndented = true }));
        return (modelPath, settingsPath);
    }

    private static Tensor InducingInputs(string spec, Tensor images, Generator generator)
    {
        if (spec.StartsWith("every:", StringComparison.Ordinal) && int.TryParse(spec.AsSpan(6), NumberStyles.None, CultureInfo.InvariantCulture, out var step))
            return InducingPoints.EveryKth(images, step);
        if (int.TryParse(spec, NumberStyles.None, CultureInfo.InvariantCulture, out var count))
            return InducingPoints.KMeans(images, count, generator);
        throw new LatentException($"--inducing '{spec}': expected a count N (k-means) or every:K");
    }

    private static string Describe(string inducing) =>
        inducing.StartsWith("every:", StringComparison.Ordinal) ? $"every {inducing[6..]}-th training image" : "k-means centres of the training images";

    private static MnistData LoadSubset(string? directory, MnistSplit split, int count, bool deskew)
    {
        var data = Mnist.Load(directory, split);
        if (count > data.Count)
        {
            var available = data.Count;
            data.Dispose();
            throw new LatentException($"asked for {count} {split.ToString().ToLowerInvariant()} images but the data holds {available}");
        }
        if (count < data.Count)
        {
            using var all = data;
            data = all.Take(count);
        }
        if (!deskew) return data;
        using (data) return data.Deskewed();
    }

    private static double MedianDistance(Tensor images, Generator generator)
    {
        using var scope = NewDisposeScope();
        var rows = randperm(images.shape[0], generator: generator).narrow(0, 0, Math.Min(500, images.shape[0]));
        var sample = images.index_select(0, rows).to(float64);
        var distances = cdist(sample, sample).flatten();
        var positive = distances.masked_select(distances > 0);
        return positive.numel() == 0 ? 1.0 : positive.median().item<double>();
    }

    private static double[][] ToRows(Tensor matrix)
    {
        var values = matrix.detach().to(float64).contiguous().data<double>().ToArray();
        var width = (int)matrix.shape[1];
        return Enumerable.Range(0, (int)matrix.shape[0]).Select(i => values.AsSpan(i * width, width).ToArray()).ToArray();
    }

    private static int ArgMax(double[] row) => Array.IndexOf(row, row.Max());

    private static double TopGap(double[] row)
    {
        var sorted = row.OrderDescending().ToArray();
        return sorted[0] - sorted[1];
    }

    private static List<double> MovingAverage(IReadOnlyList<double> values, int window)
    {
        var result = new List<double>(values.Count);
        var sum = 0.0;
        for (var i = 0; i < values.Count; i++)
        {
            sum += values[i];
            if (i >= window) sum -= values[i - window];
            result.Add(sum / Math.Min(i + 1, window));
        }
        return result;
    }

    private sealed record SavedModel(SvgpSettings Settings, long InducingCount, long TrainCount, long StepsTaken = 0);
}
