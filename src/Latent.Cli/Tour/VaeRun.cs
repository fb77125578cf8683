using System.Diagnostics;
using Latent.Cli.Infrastructure;
using Latent.Data;
using Latent.Training;
using Latent.Vae;
using TorchSharp;
using static TorchSharp.torch;

namespace Latent.Cli.Tour;

/// <summary>One trained VAE with its learning curve and test figures (negative ELBO and IWAE log-likelihood, nats per image).</summary>
public sealed class VaeRun
{
    private VaeRun(string label, VaeRunSettings settings, VariationalAutoencoder model, LearningCurve curve, Tensor testImages, double negativeElbo, double? logLikelihood, double seconds)
    {
        Label = label;
        Settings = settings;
        Model = model;
        Curve = curve;
        TestImages = testImages;
        TestNegativeElbo = negativeElbo;
        TestLogLikelihood = logLikelihood;
        Seconds = seconds;
    }

    /// <summary>A short name for tables and legends.</summary>
    public string Label { get; }

    /// <summary>What was run.</summary>
    public VaeRunSettings Settings { get; }

    /// <summary>The trained model (in eval mode).</summary>
    public VariationalAutoencoder Model { get; }

    /// <summary>Batch losses per step and epoch; evaluations are the test negative ELBO after each epoch.</summary>
    public LearningCurve Curve { get; }

    /// <summary>The test images the figures were computed on (binarized once when training was).</summary>
    public Tensor TestImages { get; }

    /// <summary>Mean test -ELBO after training, nats per image.</summary>
    public double TestNegativeElbo { get; }

    /// <summary>Mean IWAE log-likelihood estimate on the first test images (null when skipped).</summary>
    public double? TestLogLikelihood { get; }

    /// <summary>Wall time of training and evaluation.</summary>
    public double Seconds { get; }

    /// <summary>Test images as the model sees them: the intensities, or one fixed seeded Bernoulli draw when training binarizes.</summary>
    public static Tensor PrepareTest(MnistData test, Binarization binarization, long seed)
    {
        if (binarization == Binarization.None) return test.Images;
        using var draw = new BinarizedImages(test.Images, Binarization.Static, seed + 1);
        return draw.ForEpoch(0).clone();
    }

    /// <summary>Trains a model with a progress bar, evaluating the test -ELBO after every epoch, then the IWAE estimate.</summary>
    public static VaeRun Train(ConsoleUi ui, string label, VaeRunSettings settings, MnistData train, Tensor testImages, long seed)
    {
        if (settings.Examples > train.Count) throw new LatentException($"--examples {settings.Examples} exceeds the {train.Count} training images");
        if (train.Rows * train.Columns != settings.Architecture.InputSize)
            throw new LatentException($"images have {train.Rows * train.Columns} pixels but the model expects {settings.Architecture.InputSize}");
        var clock = Stopwatch.StartNew();
        var subset = train.Take(settings.Examples);
        using var data = new BinarizedImages(subset.Images, settings.Binarization, seed);
        RunSeed.Apply(seed);
        var model = settings.Architecture.Create();
        if (settings.DataMeanBias)
        {
            using var mean = subset.Images.mean([0L]);
            model.InitializeOutputBias(mean);
        }
        using var evaluationNoise = new Generator(unchecked((ulong)seed + 101UL));
        var options = new TrainerOptions
        {
            Epochs = settings.Epochs,
            BatchSize = settings.BatchSize,
            Seed = seed,
            AverageDecay = settings.AverageDecay,
            CheckpointPath = settings.CheckpointPath,
            Resume = settings.Resume,
        };
        var curve = ui.Progress(progress =>
        {
            var bar = progress.AddTask($"{label}: {settings.Architecture}, {settings.Objective.Name}", maxValue: 1);
            return VaeTraining.Fit(model, settings.Objective, data, OptimizerSettings.Adam(settings.LearningRate), options,
                evaluate: () => VaeTraining.NegativeElbo(model, testImages, evaluationNoise),
                progress: p => { bar.MaxValue = p.TotalSteps; bar.Value = p.Step; });
        });
        double negativeElbo = curve.Evaluations.Count > 0 ? curve.Evaluations[^1].Value : VaeTraining.NegativeElbo(model, testImages, evaluationNoise);
        double? logLikelihood = null;
        if (settings.IwaeSamples > 0)
        {
            var subsetTest = testImages.narrow(0, 0, Math.Min(settings.IwaeExamples, testImages.shape[0]));
            logLikelihood = ui.Progress(progress =>
            {
                var bar = progress.AddTask($"{label}: IWAE log-likelihood, k={settings.IwaeSamples}", maxValue: subsetTest.shape[0]);
                return VaeTraining.LogLikelihood(model, subsetTest, settings.IwaeSamples, evaluationNoise, done => bar.Value = done);
            });
        }
        return new VaeRun(label, settings, model, curve, testImages, negativeElbo, logLikelihood, clock.Elapsed.TotalSeconds);
    }
}
