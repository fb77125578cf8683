using System.Globalization;
using Latent.Cli.Infrastructure;
using Latent.Data;
using Latent.Distributions;
using Latent.Reporting;
using Latent.Vae;
using TorchSharp;
using static TorchSharp.torch;

namespace Latent.Cli.Tour;

/// <summary>
/// The VAE chapter (seeds S1 and S2): why a Gaussian latent, how a Gaussian generates an image, how gradients reach the
/// encoder (reparameterized vs score-function estimator), and why a Gaussian decoder needs log-densities, with
/// fixed- and learned-variance Gaussian decoders compared with the Bernoulli one.
/// </summary>
public sealed class VaeChapter : ITourChapter
{
    private const int TestImages = 2000;

    /// <inheritdoc />
    public string Name => "vae";

    /// <inheritdoc />
    public string Title => "Variational autoencoders: why a Gaussian latent, how it generates images, and how gradients reach the encoder";

    /// <inheritdoc />
    public void Run(ChapterContext context)
    {
        var ui = context.Ui;
        using var train = Mnist.Load(null, MnistSplit.Train);
        using var test = Mnist.Load(null, MnistSplit.Test);
        var testSubset = test.Take(TestImages);
        int pixels = train.Rows * train.Columns;
        var budget = new VaeRunSettings
        {
            Examples = Math.Min((int)train.Count, context.Scaled(10_000, 500)),
            Epochs = context.Scaled(5, 1),
            IwaeSamples = context.Scaled(200, 10),
            IwaeExamples = context.Scaled(500, 50),
        };
        VaeRun Train(string label, VaeArchitecture architecture, IVaeObjective? objective = null) =>
            VaeRun.Train(ui, label, budget with { Architecture = architecture, Objective = objective ?? new ElboObjective() }, train, testSubset.Images, context.Seed);

        var bernoulli = Train("bernoulli", new VaeArchitecture(pixels, new[] { 400 }, 20, DecoderKind.Bernoulli));
        var noKl = Train("bernoulli, no KL", new VaeArchitecture(pixels, new[] { 400 }, 20, DecoderKind.Bernoulli), new ElboObjective(klWeight: 0));
        var twoD = Train("bernoulli, 2-D latent", new VaeArchitecture(pixels, new[] { 400 }, 2, DecoderKind.Bernoulli));
        var fixedGaussian = Train("gaussian, fixed sigma", new VaeArchitecture(pixels, new[] { 400 }, 20, DecoderKind.GaussianFixed, Sigma: 0.1));
        var learnedGaussian = Train("gaussian, learned variance", new VaeArchitecture(pixels, new[] { 400 }, 20, DecoderKind.GaussianLearned, VarianceFloor: 1e-3));

        var report = context.Report;
        report.Heading(Title);
        report.Paragraph($"Setup: MLP encoder and decoder 784-400-z (ReLU), Adam lr {budget.LearningRate}, batch {budget.BatchSize}, the first {budget.Examples} MNIST training images " +
            $"(intensities in [0,1]) for {budget.Epochs} epochs, evaluated on the first {TestImages} test images; the IWAE log-likelihood uses k = {budget.IwaeSamples} on the first {budget.IwaeExamples}. " +
            "`latent tour --scale S` or `latent vae train` scale this up (`latent vae train --epochs 10` is the full pytorch/examples setting, published at ≈104 nats).");
        report.Table(new[] { "run", "latent", "decoder", "objective", "test −ELBO (nats)", "test KL (nats)", $"IWAE k={budget.IwaeSamples} log p(x)", "recon. MSE/pixel", "time" },
            new[] { bernoulli, noKl, twoD, fixedGaussian, learnedGaussian }.Select(run => (IReadOnlyList<string>)new[]
            {
                run.Label, run.Model.LatentSize.ToString(CultureInfo.InvariantCulture), run.Settings.Architecture.Decoder.ToString(), run.Settings.Objective.Name,
                F(run.TestNegativeElbo, "F1"), F(MeanKl(run.Model, run.TestImages), "F1"), run.TestLogLikelihood is { } ll ? F(ll, "F1") : "—",
                F(ReconstructionError(run.Model, run.TestImages), "F4"), $"{run.Seconds:F0} s",
            }));
        var curves = Figure.SavePng(context.PathFor("vae-curves.png"), new IChart[] { TestCurves(new[] { bernoulli, twoD, fixedGaussian, learnedGaussian }) }, 1);
        ui.Wrote(curves);
        report.Image(curves, "Test −ELBO after each epoch (nats per image, lower is better). Bernoulli and Gaussian numbers are in different units: see question 4.");

        QuestionGaussianLatent(context, bernoulli, noKl);
        QuestionGeneration(context, bernoulli, twoD, test);
        QuestionGradients(context, bernoulli);
        QuestionGaussianDecoder(context, bernoulli, fixedGaussian, learnedGaussian);
    }

    /// <summary>
    /// Writes curve.csv, curves.png, reconstructions.png and samples.png of <paramref name="run"/> (and for a 2-D latent
    /// manifold.png and latent-means.png) into <paramref name="directory"/>, appends a report section, and returns the paths.
    /// </summary>
    public static IReadOnlyList<string> DescribeRun(ReportDocument report, string directory, VaeRun run, MnistData test, long seed)
    {
        var written = new List<string>();
        var csv = Path.Combine(directory, "curve.csv");
        run.Curve.WriteCsv(csv);
        written.Add(csv);
        var curves = Figure.SavePng(Path.Combine(directory, "curves.png"), new IChart[]
        {
            new LineChart("training loss", "epoch", $"{run.Settings.Objective.Name} loss (nats)")
                .Add("batch", run.Curve.Steps.Select(p => p.Epoch).ToList(), run.Curve.Steps.Select(p => p.Value).ToList())
                .Add("epoch mean", run.Curve.Epochs.Select(p => p.Epoch).ToList(), run.Curve.Epochs.Select(p => p.Value).ToList()),
            TestCurves(new[] { run }),
        }, 2);
        written.Add(curves);
        var reconstructions = VaeFigures.Reconstructions(Path.Combine(directory, "reconstructions.png"), run.Model, run.TestImages, test.Rows, test.Columns);
        var samples = VaeFigures.PriorSamples(Path.Combine(directory, "samples.png"), run.Model, test.Rows, test.Columns, seed);
        written.Add(reconstructions);
        written.Add(samples);

        report.Heading($"{run.Settings.Architecture}, {run.Settings.Objective.Name}, binarization {run.Settings.Binarization.ToString().ToLowerInvariant()}");
        report.Table(new[] { "training images", "epochs", "batch", "lr", "test −ELBO (nats)", $"IWAE log p(x) (k={run.Settings.IwaeSamples}, {run.Settings.IwaeExamples} images)", "time" },
            new[] { (IReadOnlyList<string>)new[]
            {
                run.Settings.Examples.ToString(CultureInfo.InvariantCulture), run.Settings.Epochs.ToString(CultureInfo.InvariantCulture),
                run.Settings.BatchSize.ToString(CultureInfo.InvariantCulture), run.Settings.LearningRate.ToString("G3", CultureInfo.InvariantCulture),
                F(run.TestNegativeElbo, "F2"), run.TestLogLikelihood is { } ll ? F(ll, "F2") : "—", $"{run.Seconds:F0} s",
            } });
        report.Paragraph($"Training details: decoder output bias {(run.Settings.DataMeanBias ? "started at the logit of the mean training image" : "at its default initialisation")}; " +
            (run.Settings.AverageDecay is { } decay
                ? $"the test figures use the exponential moving average of the weights (decay {decay.ToString(CultureInfo.InvariantCulture)}, bias-corrected; Kingma and Ba 2015, §7.2), which the saved model holds."
                : "the test figures use the final weights (no weight averaging)."));
        report.Paragraph("Published: 784-400-20 Bernoulli VAE, continuous MNIST, Adam 1e-3, batch 128: test loss ≈ 104 nats after 10 epochs (pytorch/examples, flax). " +
            "Dynamically binarized MNIST, IWAE k = 5000 estimate: VAE −86.76, IWAE (k = 50) −84.78 (Burda et al. 2016).");
        report.Image(curves, "Training loss per step and epoch; test −ELBO after each epoch.");
        report.Image(reconstructions, "Test images (rows 1, 3, ...) above their reconstructions (decoder mean at the encoder mean).");
        report.Image(samples, "Decoder means of codes drawn from the prior N(0, I).");
        if (run.Model.LatentSize == 2)
        {
            var manifold = VaeFigures.Manifold(Path.Combine(directory, "manifold.png"), run.Model, test.Rows, test.Columns);
            var scatter = VaeFigures.LatentMeans("test-set posterior means, coloured by digit", run.Model, run.TestImages, test.Labels.narrow(0, 0, run.TestImages.shape[0]))
                .SavePng(Path.Combine(directory, "latent-means.png"));
            written.Add(manifold);
            written.Add(scatter);
            report.Image(manifold, "The decoded 2-D manifold: decoder means on a grid of z at the prior's 5%..95% quantiles.");
            report.Image(scatter, "Posterior means of the test images, coloured by label.");
        }
        return written;
    }

    private static void QuestionGaussianLatent(ChapterContext context, VaeRun withKl, VaeRun withoutKl)
    {
        var report = context.Report;
        report.Heading("1. Why a Gaussian latent, and what the KL term does to it", 3);
        var (zWith, meansWith) = AggregatePosterior(withKl.Model, withKl.TestImages, context.Seed);
        var (zWithout, meansWithout) = AggregatePosterior(withoutKl.Model, withoutKl.TestImages, context.Seed);
        var quantile = Quantiles(zWith.Length);
        var qq = new LineChart("QQ: aggregate posterior samples vs N(0,1)", "N(0,1) quantile", "sample quantile")
            .Add("with KL", quantile, zWith.Order().ToList())
            .Add("without KL", quantile, zWithout.Order().ToList())
            .Add("y = x", new[] { -4.0, 4.0 }, new[] { -4.0, 4.0 });
        var histogram = new LineChart("density of aggregate posterior samples", "z (all 20 dimensions pooled)", "density");
        AddHistogram(histogram, "with KL", zWith, -6, 6);
        AddHistogram(histogram, "without KL", zWithout, -6, 6);
        var grid = Enumerable.Range(0, 121).Select(i => -6 + i * 0.1).ToList();
        histogram.Add("N(0,1)", grid, grid.Select(z => Math.Exp(-z * z / 2) / Math.Sqrt(2 * Math.PI)).ToList());
        var figure = Figure.SavePng(context.PathFor("vae-aggregate-posterior.png"), new IChart[] { histogram, qq }, 2);
        var samplesWith = VaeFigures.PriorSamples(context.PathFor("vae-prior-samples-kl.png"), withKl.Model, 28, 28, context.Seed, 32);
        var samplesWithout = VaeFigures.PriorSamples(context.PathFor("vae-prior-samples-no-kl.png"), withoutKl.Model, 28, 28, context.Seed, 32);
        foreach (var path in new[] { figure, samplesWith, samplesWithout }) context.Ui.Wrote(path);

        report.Paragraph("The generator is only ever fed codes from the prior p(z) = N(0, I) at sampling time, so the codes it was trained on — the aggregate posterior q(z) = (1/N) Σ q(z|xₙ) — must cover that prior. " +
            "A diagonal Gaussian q(z|x) makes this cheap: the KL to N(0, I) is closed form, and z = μ + σ·ε gives a low-variance gradient (question 3).");
        report.Image(figure, "One z ~ q(z|x) per test image, all 20 dimensions pooled: with the KL term the aggregate posterior sits on N(0,1); without it the codes drift to whatever scale the decoder likes.");
        report.Table(new[] { "run", "mean of z", "std of z", "std of posterior means", "mean posterior σ", "test KL (nats)" }, new[]
        {
            Row("with KL (β = 1)", zWith, meansWith, withKl),
            Row("without KL (β = 0)", zWithout, meansWithout, withoutKl),
        });
        report.Image(samplesWith, "Prior samples, trained with the KL term: digits.");
        report.Image(samplesWithout, "Prior samples, trained without it: the prior lands in regions the decoder never saw.");
        report.Bullets(new[]
        {
            $"With the KL term the pooled codes have standard deviation {Std(zWith):F2} (target 1); without it {Std(zWithout):F2}, with mean posterior σ {MeanSigma(withoutKl):F3} against {MeanSigma(withKl):F3} with KL. Nothing ties the KL-free codes to N(0, I): the encoder is free to become a near-deterministic autoencoder with whatever code scale suits the decoder.",
            $"The price of the KL term is reconstruction: test reconstruction MSE {ReconstructionError(withKl.Model, withKl.TestImages):F4} with it vs {ReconstructionError(withoutKl.Model, withoutKl.TestImages):F4} without; what it buys is a usable generator.",
        });

        IReadOnlyList<string> Row(string name, double[] z, double[] means, VaeRun run) => new[]
        {
            name, z.Average().ToString("F3", CultureInfo.InvariantCulture), Std(z).ToString("F3", CultureInfo.InvariantCulture),
            Std(means).ToString("F3", CultureInfo.InvariantCulture), MeanSigma(run).ToString("F3", CultureInfo.InvariantCulture), F(MeanKl(run.Model, run.TestImages), "F1"),
        };
    }

    private static void QuestionGeneration(ChapterContext context, VaeRun bernoulli, VaeRun twoD, MnistData test)
    {
        var report = context.Report;
        report.Heading("2. How a Gaussian generates an image", 3);
        var samples = VaeFigures.PriorSamples(context.PathFor("vae-prior-samples.png"), bernoulli.Model, 28, 28, context.Seed + 1);
        var manifold = VaeFigures.Manifold(context.PathFor("vae-manifold.png"), twoD.Model, 28, 28);
        var scatter = VaeFigures.LatentMeans("2-D latent: test-set posterior means by digit", twoD.Model, twoD.TestImages, test.Labels.narrow(0, 0, twoD.TestImages.shape[0]))
            .SavePng(context.PathFor("vae-latent-means.png"));
        foreach (var path in new[] { samples, manifold, scatter }) context.Ui.Wrote(path);
        report.Paragraph("Generation is two draws: z ~ N(0, I), then x ~ p(x|z), whose mean — the picture shown — is the decoder network's output at z. The network turns a sphere of Gaussian noise into the curved set of digit images.");
        report.Image(samples, "Decoder means at 64 codes from N(0, I), 20-D latent.");
        report.Image(manifold, "2-D latent: decoder means on a grid at the prior's 5%..95% quantiles (z = √2·erfinv(2p − 1)); neighbouring codes give neighbouring images and digits morph continuously.");
        report.Image(scatter, "2-D latent: where the encoder puts each test digit. Classes form regions although labels were never used; the whole cloud fills roughly the N(0, I) disc because of the KL term.");
    }

    private static void QuestionGradients(ChapterContext context, VaeRun run)
    {
        var report = context.Report;
        report.Heading("3. How gradients reach the encoder", 3);
        int repeats = context.Scaled(50, 5);
        var batch = run.TestImages.narrow(0, 0, 128);
        using var generator = new Generator(unchecked((ulong)context.Seed + 303UL));
        var reparameterized = GradientVariance.Measure(run.Model, batch, GradientEstimator.Reparameterized, repeats, generator);
        var score = GradientVariance.Measure(run.Model, batch, GradientEstimator.ScoreFunction, repeats, generator);
        report.Paragraph("The ELBO's expectation E_q(z|x)[log p(x|z)] depends on the encoder through the distribution it averages over. Two unbiased estimators of its gradient: " +
            "**reparameterized** — write z = μ(x) + σ(x)·ε with ε ~ N(0, I) and differentiate log p(x|z) through z (Kingma and Welling 2014); " +
            "**score function** (REINFORCE) — log p(x|z)·∇ log q(z|x) with z held fixed, which uses only the value of log p(x|z), not its slope. " +
            $"Both were computed {repeats} times on the same 128 test images with the trained 20-D Bernoulli model, one z per image, the analytic KL gradient added to both.");
        report.Table(new[] { "estimator", "‖mean gradient‖", "total variance (trace of covariance)", "signal-to-noise ‖mean‖² / variance" }, new[]
        {
            GradientRow("reparameterized", reparameterized),
            GradientRow("score function", score),
        });
        report.Bullets(new[]
        {
            $"On the same batch the score-function estimate has {score.TotalVariance / reparameterized.TotalVariance:F0}× the variance of the reparameterized one.",
            "The reparameterized gradient carries the decoder's derivative ∂ log p(x|z)/∂z back into μ and σ — each sample says which way to move z. The score-function estimator only weights ∇ log q by a noisy scalar reward, log p(x|z) (around minus a hundred nats per image here), so its noise grows with the size of that reward, and it needs that many times more samples (or control variates such as a baseline) for the same accuracy.",
        });
        reparameterized.MeanGradient.Dispose();
        score.MeanGradient.Dispose();

        static IReadOnlyList<string> GradientRow(string name, GradientVariance g) => new[]
        {
            name, g.MeanNorm.ToString("G3", CultureInfo.InvariantCulture), g.TotalVariance.ToString("G3", CultureInfo.InvariantCulture),
            (g.MeanNorm * g.MeanNorm / g.TotalVariance).ToString("G3", CultureInfo.InvariantCulture),
        };
    }

    private static void QuestionGaussianDecoder(ChapterContext context, VaeRun bernoulli, VaeRun fixedGaussian, VaeRun learnedGaussian)
    {
        var report = context.Report;
        report.Heading("4. A Gaussian decoder: log-densities, not densities", 3);
        var underflow = UnderflowDemo(fixedGaussian, sigma: 1.0);
        var sharp = UnderflowDemo(fixedGaussian, sigma: fixedGaussian.Settings.Architecture.Sigma);
        report.Paragraph("A Gaussian decoder scores an image by p(x|z) = Π_d N(x_d; μ_d, σ²) over 784 pixels. Written as a product of densities in float32 it does not survive. " +
            "Below, μ is the trained fixed-σ decoder's output for 128 test images, scored with σ = 1 (the usual \"MSE\" decoder) and with the σ it was trained with:");
        report.Table(new[] { "quantity (float32, 128 test images)", "σ = 1", $"σ = {sharp.Sigma.ToString("G3", CultureInfo.InvariantCulture)}" }, new[]
        {
            (IReadOnlyList<string>)new[] { "product of 784 densities is exactly 0", $"{underflow.ZeroProducts} / {underflow.Images}", $"{sharp.ZeroProducts} / {sharp.Images}" },
            new[] { "product of 784 densities is +∞", $"{underflow.InfiniteProducts} / {underflow.Images}", $"{sharp.InfiniteProducts} / {sharp.Images}" },
            new[] { "mean of log(1e-20 + product)", F(underflow.NaiveLoss, "F3"), F(sharp.NaiveLoss, "F3") },
            new[] { "gradient norm of Σ log(1e-20 + product) w.r.t. μ", F(underflow.NaiveGradientNorm, "G3"), F(sharp.NaiveGradientNorm, "G3") },
            new[] { "mean of log p(x|z) = Σ_d log N(x_d; μ_d, σ²)", F(underflow.LogProb, "F1"), F(sharp.LogProb, "F1") },
            new[] { "gradient norm of Σ log p(x|z) w.r.t. μ", F(underflow.LogProbGradientNorm, "G3"), F(sharp.LogProbGradientNorm, "G3") },
        });
        report.Paragraph("With σ = 1 no pixel density exceeds 1/√(2π) ≈ 0.40, so 784 of them multiply to less than 0.4⁷⁸⁴ ≈ 1e-312, far under float32's smallest positive value (≈1.4e-45): the product is exactly 0, " +
            "log(1e-20 + 0) = log 1e-20 ≈ −46.05 is the same constant for every image and every parameter, and its gradient is exactly zero — nothing trains. " +
            "With a small σ the densities near the mean exceed 1 and the same product overflows to +∞ instead. Summing per-pixel log-densities gives the same quantity, finite, with a useful gradient, for any σ.");

        var grids = new[] { bernoulli, fixedGaussian, learnedGaussian }
            .Select(run => VaeFigures.PriorSamples(context.PathFor($"vae-samples-{run.Settings.Architecture.Decoder.ToString().ToLowerInvariant()}.png"), run.Model, 28, 28, context.Seed + 2, 32))
            .ToList();
        foreach (var path in grids) context.Ui.Wrote(path);
        report.Table(new[] { "decoder", "test −ELBO (nats)", "IWAE log p(x) (nats)", "reconstruction MSE / pixel", "what log p(x) measures" }, new[]
        {
            DecoderRow(bernoulli, "log-probability of the pixel values read as Bernoulli outcomes — not a normalized density for [0,1] intensities"),
            DecoderRow(fixedGaussian, "log-density on ℝ⁷⁸⁴ with σ = 0.1: a scaled squared error plus a constant"),
            DecoderRow(learnedGaussian, "log-density on ℝ⁷⁸⁴ with per-pixel σ² ≥ floor (1e-3): a pixel predicted exactly with σ² at the floor contributes up to +2.5 nats, so the total can be positive"),
        });
        report.Image(grids[0], "Prior samples, Bernoulli decoder (means).");
        report.Image(grids[1], "Prior samples, Gaussian decoder with fixed σ = 0.1 (means).");
        report.Image(grids[2], "Prior samples, Gaussian decoder with learned variance (means).");
        report.Bullets(new[]
        {
            "The three log-likelihood columns are not comparable with each other: a density on ℝ⁷⁸⁴ and a probability of 0/1 outcomes have different units, and a density can be positive. Compare the decoders by reconstruction error and by samples.",
            "The fixed-σ Gaussian weighs squared error by 1/(2σ²); σ = 0.1 is sharp enough to give digit-like means. A learned variance lets the model explain away pixels it cannot predict, and without a floor the variance of always-black border pixels shrinks towards 0 while the likelihood grows without bound — hence the floor.",
            "Continuous-Bernoulli caveat: the Bernoulli decoder on [0,1] intensities is what pytorch/examples does (and what the ≈104-nat figure measures), but Bernoulli(x; λ) for non-binary x is not normalized. The continuous Bernoulli (Loaiza-Ganem and Cunningham 2019) adds log C(λ) so that it integrates to one over [0,1]; without it the decoder means are biased towards 0.5 and the reported \"likelihood\" is not a likelihood of the data. Binarize the data (`--binarization dynamic`) for a true discrete likelihood, as Burda et al. do.",
        });

        IReadOnlyList<string> DecoderRow(VaeRun run, string meaning) => new[]
        {
            run.Settings.Architecture.ToString(), F(run.TestNegativeElbo, "F1"), run.TestLogLikelihood is { } ll ? F(ll, "F1") : "—",
            F(ReconstructionError(run.Model, run.TestImages), "F4"), meaning,
        };
    }

    private static (double Sigma, int Images, int ZeroProducts, int InfiniteProducts, double NaiveLoss, double NaiveGradientNorm, double LogProb, double LogProbGradientNorm) UnderflowDemo(VaeRun run, double sigma)
    {
        using var scope = NewDisposeScope();
        var x = run.TestImages.narrow(0, 0, 128);
        Tensor mean;
        using (no_grad()) mean = run.Model.Reconstruct(x).detach();
        mean.requires_grad_();
        var observation = new DiagonalGaussian(mean, full_like(mean, 2 * Math.Log(sigma)));
        var product = observation.LogProbPerDimension(x).exp().prod(-1);
        int zeros = (int)product.eq(0).sum().item<long>();
        int infinite = (int)product.isinf().sum().item<long>();
        var naive = (product + 1e-20f).log();
        var naiveGradient = autograd.grad(new[] { naive.sum() }, new[] { mean })[0];
        var logProb = observation.LogProb(x);
        var gradient = autograd.grad(new[] { logProb.sum() }, new[] { mean })[0];
        return (sigma, (int)x.shape[0], zeros, infinite, naive.mean().item<float>(), naiveGradient.norm().item<float>(), logProb.mean().item<float>(), gradient.norm().item<float>());
    }

    private static LineChart TestCurves(IEnumerable<VaeRun> runs)
    {
        var chart = new LineChart("test −ELBO after each epoch", "epoch", "nats per image");
        foreach (var run in runs)
            chart.Add(run.Label, run.Curve.Evaluations.Select(p => p.Epoch).ToList(), run.Curve.Evaluations.Select(p => p.Value).ToList());
        return chart;
    }

    private static (double[] Samples, double[] Means) AggregatePosterior(VariationalAutoencoder model, Tensor images, long seed)
    {
        using var scope = NewDisposeScope();
        using var noGrad = no_grad();
        using var generator = new Generator(unchecked((ulong)seed + 202UL));
        var posterior = model.Encode(images);
        var z = posterior.RSample(generator).to(ScalarType.Float64).reshape(-1).data<double>().ToArray();
        var means = posterior.Mean.to(ScalarType.Float64).reshape(-1).data<double>().ToArray();
        return (z, means);
    }

    private static double MeanSigma(VaeRun run)
    {
        using var scope = NewDisposeScope();
        using var noGrad = no_grad();
        return run.Model.Encode(run.TestImages).StandardDeviation.mean().item<float>();
    }

    private static double MeanKl(VariationalAutoencoder model, Tensor images)
    {
        using var scope = NewDisposeScope();
        using var noGrad = no_grad();
        return Kl.FromStandardNormal(model.Encode(images)).mean().item<float>();
    }

    private static double ReconstructionError(VariationalAutoencoder model, Tensor images)
    {
        using var scope = NewDisposeScope();
        using var noGrad = no_grad();
        return (model.Reconstruct(images) - images).square().mean().item<float>();
    }

    private static List<double> Quantiles(int count)
    {
        using var p = (arange(1, count + 1, ScalarType.Float64) - 0.5) / count;
        using var z = Math.Sqrt(2) * special.erfinv(2 * p - 1);
        return z.data<double>().ToList();
    }

    private static void AddHistogram(LineChart chart, string name, double[] values, double low, double high, int bins = 60)
    {
        double width = (high - low) / bins;
        var counts = new double[bins];
        foreach (var v in values)
        {
            int bin = (int)Math.Floor((v - low) / width);
            if (bin >= 0 && bin < bins) counts[bin]++;
        }
        chart.Add(name, Enumerable.Range(0, bins).Select(i => low + (i + 0.5) * width).ToList(), counts.Select(c => c / (values.Length * width)).ToList());
    }

    private static double Std(double[] values)
    {
        double mean = values.Average();
        return Math.Sqrt(values.Sum(v => (v - mean) * (v - mean)) / (values.Length - 1));
    }

    private static string F(double value, string format) => value.ToString(format, CultureInfo.InvariantCulture);
}
