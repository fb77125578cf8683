using System.Diagnostics;
using Latent.Models;
using Latent.Reporting;
using Latent.Nn;
using Latent.Training;
using Latent.Vae;
using TorchSharp;

namespace Latent.Cli.Tour;

/// <summary>The VAE chapter: why a Gaussian latent can generate images, how gradients reach the encoder, and why a Gaussian decoder needs log-densities.</summary>
public sealed class VaeChapter : ITourChapter
{
    /// <inheritdoc />
    public string Name => "vae";

    /// <inheritdoc />
    public string Title => "Variational autoencoders: why a Gaussian latent, how it generates images, and how gradients reach the encoder";

    /// <inheritdoc />
    public void Run(ChapterContext context)
    {
        using var mnist = DatasetLoader.EmbeddedMnist();
        var data = mnist.Take(context.Scaled(10_000, 500), 2000);
        var budget = VaeOptions.Default with { Epochs = context.Scaled(5, 1), EvalIwaeSamples = context.Scaled(200, 10), EvalIwaeExamples = context.Scaled(500, 50), Seed = context.Seed };
        var (bernoulli, noKl, twoD, fixedGaussian, learnedGaussian) = (Train(context, data, "bernoulli", budget), Train(context, data, "bernoulli, no KL", budget with { KlWeight = 0 }),
            Train(context, data, "bernoulli, 2-D latent", budget with { Latent = 2 }), Train(context, data, "gaussian, fixed σ", budget with { Decoder = DecoderKind.GaussianFixed }),
            Train(context, data, "gaussian, learned variance", budget with { Decoder = DecoderKind.GaussianLearned }));
        var all = new[] { bernoulli, noKl, twoD, fixedGaussian, learnedGaussian };
        var report = context.Report.Heading(Title);
        report.Paragraph($"Setup: MLP encoder and decoder 784-400-z (ReLU), Adam lr {budget.LearningRate}, batch {budget.BatchSize}, {data.Train.Count} MNIST training images (intensities in [0,1]) for {budget.Epochs} epochs, " +
            $"evaluated on {data.Test.Count} test images; IWAE k = {budget.EvalIwaeSamples} on the first {budget.EvalIwaeExamples}. `latent vae train` runs the full pytorch/examples setting (≈104 nats published).");
        report.Table(["run", "model", "test −ELBO (nats)", "test KL (nats)", "IWAE log p(x)", "recon. MSE/pixel", "time"], all.Select(run => (IReadOnlyList<string>)
            [run.Label, run.Model.ToString(), F(run.Metrics.TestNegativeElbo, "F1"), F(run.Posterior.MeanKl, "F1"), F(run.Metrics.TestIwaeLogLikelihood ?? double.NaN, "F1"), F(run.Posterior.ReconstructionMse, "F4"), $"{run.Seconds:F0} s"]));
        var curves = new LineChart("test −ELBO after each epoch", "epoch", "nats per image") { IntegerX = true };
        foreach (var run in all) curves.Add(run.Label, run.Curve.Evaluations.Select(p => p.Epoch).ToList(), run.Curve.Evaluations.Select(p => p.Value).ToList());
        Image(context, curves.SavePng(context.PathFor("vae-curves.png")), "Test −ELBO after each epoch (lower is better). Bernoulli and Gaussian numbers are in different units: see question 3.");

        report.Heading("1. Why a Gaussian latent, and how it generates images", 3);
        report.Paragraph("Generation is two draws: z ~ p(z) = N(0, I), then x ~ p(x|z), whose mean — the picture shown — is the decoder's output at z. The decoder only ever sees codes from the " +
            "aggregate posterior q(z) = (1/N) Σ q(z|xₙ) while training, so q(z) must cover the prior; the KL term pulls each q(z|x) towards N(0, I), and a diagonal Gaussian makes that KL closed form.");
        Image(context, VaeDiagnostics.PosteriorFigure(context.PathFor("vae-aggregate-posterior.png"), [("with KL", bernoulli.Posterior), ("without KL", noKl.Posterior)]),
            "One z ~ q(z|x) per test image, all 20 dimensions pooled: with the KL term the codes sit on N(0,1); without it they drift to whatever scale the decoder likes.");
        report.Table(["run", "mean of z", "std of z", "std of posterior means", "mean posterior σ", "test KL (nats)"], new[] { bernoulli, noKl }.Select(run => (IReadOnlyList<string>)
            [run.Label, F(run.Posterior.SampleMean, "F3"), F(run.Posterior.SampleStd, "F3"), F(run.Posterior.MeansStd, "F3"), F(run.Posterior.MeanSigma, "F3"), F(run.Posterior.MeanKl, "F1")]));
        Image(context, VaeFigures.PriorSamples(context.PathFor("vae-prior-samples-kl.png"), bernoulli.Model, context.Seed, 32), "Prior samples, trained with the KL term: digits.");
        Image(context, VaeFigures.PriorSamples(context.PathFor("vae-prior-samples-no-kl.png"), noKl.Model, context.Seed, 32), "Prior samples, trained without it: the prior lands where the decoder never trained.");
        Image(context, VaeFigures.Manifold(context.PathFor("vae-manifold.png"), twoD.Model), "2-D latent: decoder means on a grid at the prior's 5%..95% quantiles; neighbouring codes give neighbouring digits.");
        Image(context, VaeFigures.LatentMeans("2-D latent: test-set posterior means by digit", twoD.Model, data.Test).SavePng(context.PathFor("vae-latent-means.png")),
            "Where the encoder puts each test digit: classes form regions although labels were never used, and the cloud fills roughly the N(0, I) disc because of the KL term.");
        report.Paragraph($"The price of the KL term is reconstruction (MSE {F(bernoulli.Posterior.ReconstructionMse, "F4")} with it, {F(noKl.Posterior.ReconstructionMse, "F4")} without); what it buys is a usable generator.");

        report.Heading("2. How gradients reach the encoder", 3);
        int repeats = context.Scaled(50, 5);
        var batch = data.Test.Take(128).Features;
        using var generator = new torch.Generator(unchecked((ulong)context.Seed + 303UL));
        var reparameterized = GradientVariance.Measure(bernoulli.Model.Network, batch, GradientEstimator.Reparameterized, repeats, generator);
        var score = GradientVariance.Measure(bernoulli.Model.Network, batch, GradientEstimator.ScoreFunction, repeats, generator);
        report.Paragraph("E_q(z|x)[log p(x|z)] depends on the encoder through the distribution it averages over. **Reparameterized**: write z = μ(x) + σ(x)·ε, ε ~ N(0, I), and differentiate " +
            "log p(x|z) through z (Kingma and Welling 2014). **Score function** (REINFORCE): log p(x|z)·∇ log q(z|x) with z held fixed, using only the value of log p(x|z). " +
            $"Both were drawn {repeats} times on the same 128 test images with the trained 20-D Bernoulli model, one z per image, the analytic KL gradient added to both.");
        report.Table(["estimator", "‖mean gradient‖", "total variance (trace of covariance)", "signal-to-noise ‖mean‖² / variance"], new[] { ("reparameterized", reparameterized), ("score function", score) }
            .Select(g => (IReadOnlyList<string>)[g.Item1, F(g.Item2.MeanNorm, "G3"), F(g.Item2.TotalVariance, "G3"), F(g.Item2.MeanNorm * g.Item2.MeanNorm / g.Item2.TotalVariance, "G3")]));
        report.Paragraph($"The score-function estimate has {score.TotalVariance / reparameterized.TotalVariance:F0}× the variance: the reparameterized gradient carries the decoder's slope ∂ log p(x|z)/∂z " +
            "back into μ and σ, while the score function weights ∇ log q by a noisy scalar reward (about minus a hundred nats per image here) and needs that many more samples, or control variates, for the same accuracy.");
        reparameterized.MeanGradient.Dispose();
        score.MeanGradient.Dispose();

        report.Heading("3. A Gaussian decoder: log-densities, not densities", 3);
        var demos = new[] { VaeDiagnostics.Underflow(fixedGaussian.Model, data.Test.Features, 1.0), VaeDiagnostics.Underflow(fixedGaussian.Model, data.Test.Features, budget.Sigma) };
        report.Paragraph("A Gaussian decoder scores an image by p(x|z) = Π_d N(x_d; μ_d, σ²) over 784 pixels. Below, μ is the trained fixed-σ decoder's output for 128 test images, in float32:");
        report.Table(["quantity", .. demos.Select(d => $"σ = {F(d.Sigma, "G3")}")],
        [
            ["product of densities is exactly 0", .. demos.Select(d => $"{d.ZeroProducts} / {d.Examples}")], ["product of densities is +∞", .. demos.Select(d => $"{d.InfiniteProducts} / {d.Examples}")],
            ["mean of log(1e-20 + product)", .. demos.Select(d => F(d.NaiveLoss, "F3"))], ["its gradient norm w.r.t. μ", .. demos.Select(d => F(d.NaiveGradientNorm, "G3"))],
            ["mean of Σ_d log N(x_d; μ_d, σ²)", .. demos.Select(d => F(d.LogProb, "F1"))], ["its gradient norm w.r.t. μ", .. demos.Select(d => F(d.LogProbGradientNorm, "G3"))],
        ]);
        report.Bullets([
            "With σ = 1 no density exceeds 0.40, so 784 of them multiply to less than 1e-312, far under float32's smallest value: the product is 0, log(1e-20 + 0) is the same constant for every image and its gradient is zero. With a small σ it overflows to +∞ instead. Summing log-densities is finite, with a useful gradient, for any σ.",
            "The log-likelihood columns of the first table are not comparable across decoders: a density on ℝ⁷⁸⁴ and a probability of 0/1 outcomes have different units, and a density can be positive. Compare decoders by reconstruction error and samples.",
            "A learned variance lets the model explain away pixels it cannot predict; without a floor the variance of always-black border pixels shrinks to 0 while the likelihood grows without bound — hence the floor (1e-3).",
            "The Bernoulli decoder on [0,1] intensities is what pytorch/examples does, but Bernoulli(x; λ) is not normalized for non-binary x (the continuous Bernoulli of Loaiza-Ganem and Cunningham 2019 fixes that); `--binarization dynamic` gives a true discrete likelihood, as in Burda et al.",
        ]);
        foreach (var run in all) run.Model.Dispose();
        Architectures(context, data, budget, bernoulli);
    }

    /// <summary>Section 4: conditional MLP and conv VAEs on the same images and budget, their samples one row per digit, and how often a classifier trained on the real images agrees with the digit asked for.</summary>
    private static void Architectures(ChapterContext context, Dataset data, VaeOptions budget, Trained bernoulli)
    {
        using var classifier = MlpClassifier.For(data, MlpClassifierOptions.Default with { Epochs = context.Scaled(5, 1), Seed = context.Seed });
        context.Ui.Progress(progress =>
        {
            var bar = progress.AddTask($"classifier {classifier.Describe()} for the samples", maxValue: 1);
            return classifier.Fit(data, p => { bar.MaxValue = p.TotalSteps; bar.Value = p.Step; });
        });
        double classifierAccuracy = classifier.Evaluate(data.Test).Accuracy;
        int perClass = context.Scaled(100, 10);
        var runs = new[] { ("mlp, conditional", budget with { Conditional = true }), ("conv, conditional", budget with { Architecture = "conv", Conditional = true }) }
            .Select(run => Train(context, data, run.Item1, run.Item2)).ToList();
        var accuracies = runs.Select(run => VaeDiagnostics.ClassAccuracy(run.Model, classifier.PredictY, perClass, context.Seed)).ToList();
        var report = context.Report;
        report.Heading("4. Convolutional and conditional VAEs", 3);
        report.Paragraph("`--architecture conv` swaps the MLPs for 3×3 stride-2 convolutions (28 → 14 → 7, channels 32 and 64) before the 400-unit layer, and a mirrored transposed-convolution decoder; " +
            "`--conditional` gives both networks the one-hot digit, so p(x|z, y) can be sampled for the digit asked for (`latent vae sample --model DIR --class 7 --out sevens.png`). " +
            $"Both runs below have the budget of the first table; a classifier ({classifier.Describe()}, test accuracy {F(classifierAccuracy, "P1")}) trained on the real training images labels {perClass} samples of each digit.");
        report.Table(["run", "model", "test −ELBO (nats)", "samples labelled as the digit asked for", "time"],
            [["bernoulli (first table)", bernoulli.Model.ToString(), F(bernoulli.Metrics.TestNegativeElbo, "F1"), "—", $"{bernoulli.Seconds:F0} s"],
             .. runs.Select((run, i) => (IReadOnlyList<string>)[run.Label, run.Model.ToString(), F(run.Metrics.TestNegativeElbo, "F1"), F(accuracies[i], "P1"), $"{run.Seconds:F0} s"])]);
        foreach (var run in runs)
            Image(context, VaeFigures.ClassSamples(context.PathFor($"vae-samples-{run.Model.Options.Architecture}-conditional.png"), run.Model, context.Seed, 10),
                $"{run.Label}: prior samples decoded for one digit per row (0 to 9, top to bottom).");
        report.Paragraph("The digit is given, so z only has to carry the style (slant, thickness): the rows keep their digit while the columns vary it. " +
            "The convolutions cost more arithmetic per image than the MLP (compare the time column); `dotnet run --project bench/Latent.Bench -c Release -- vae-architectures` compares both on all of MNIST.");
        foreach (var run in runs) run.Model.Dispose();
    }

    private static Trained Train(ChapterContext context, Dataset data, string label, VaeOptions options)
    {
        var clock = Stopwatch.StartNew();
        var model = VaeModel.For(data, options);
        var curve = context.Ui.Progress(progress =>
        {
            var bar = progress.AddTask($"{label}: {model}", maxValue: 1);
            return model.Fit(data, p => { bar.MaxValue = p.TotalSteps; bar.Value = p.Step; });
        });
        return new Trained(label, model, curve, model.Evaluate(data.Test), VaeDiagnostics.Posterior(model, data.Test.Features, context.Seed, model.IsConditional ? data.Test.Labels : null), clock.Elapsed.TotalSeconds);
    }

    private static void Image(ChapterContext context, string path, string caption)
    {
        context.Ui.Wrote(path);
        context.Report.Image(path, caption);
    }

    private static string F(double value, string format) => double.IsNaN(value) ? "—" : value.ToString(format, CultureInfo.InvariantCulture);

    private sealed record Trained(string Label, VaeModel Model, LearningCurve Curve, VaeMetrics Metrics, PosteriorSummary Posterior, double Seconds);
}
