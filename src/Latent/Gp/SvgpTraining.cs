using Latent.Gp.Models;

namespace Latent.Gp;

/// <summary>
/// Maximises an SVGP's ELBO through the one <see cref="Trainer"/>: each step's loss is −ELBO/N on a shuffled minibatch, Adam steps the
/// parameters (all but q(u) when natural-gradient steps train q(u), which then take their step after Adam's), optionally on a
/// cosine-annealed learning rate.
/// </summary>
public static class SvgpTraining
{
    /// <summary>
    /// Runs <see cref="SvgpTrainingSettings.Iterations"/> steps on X [N, D] (float32 or float64; each batch is converted to the model's
    /// type) and y, indexed by row. <paramref name="run"/> supplies the rest of the trainer's settings (seed of the batch order,
    /// checkpoint, resume, stop, time limit); its epochs, batch size and step budget come from <paramref name="settings"/>.
    /// <paramref name="generators"/> (such as the softmax likelihood's sampler) are kept in checkpoints. Returns the learning curve:
    /// −ELBO/N of every step taken (with a resumed run's earlier steps); no steps leave the model as it is.
    /// </summary>
    public static LearningCurve Train(Svgp model, Tensor X, Tensor y, SvgpTrainingSettings settings, TrainerOptions? run = null,
        Action<TrainingProgress>? progress = null, RunLog? log = null, IReadOnlyList<Generator>? generators = null)
    {
        settings.Validate();
        if (X.dim() != 2 || y.dim() < 1 || y.shape[0] != X.shape[0]) throw new LatentException($"SVGP training: X [N, D] and y [N, …] must have the same N, got [{string.Join(", ", X.shape)}] and [{string.Join(", ", y.shape)}]");
        if (settings.Iterations == 0) return new LearningCurve();
        var n = X.shape[0];
        var batch = (int)Math.Min(settings.BatchSize, n);
        var stepsPerEpoch = (n + batch - 1) / batch;
        var options = (run ?? new TrainerOptions()) with { Epochs = (int)((settings.Iterations + stepsPerEpoch - 1) / stepsPerEpoch), BatchSize = batch, MaxSteps = settings.Iterations, Shuffle = true };
        var natural = settings.NaturalGradientStep;
        var adam = model.parameters().Where(p => natural is null || !model.IsVariational(p));
        var trainer = new Trainer(model, OptimizerSettings.Adam(settings.LearningRate), options, adam)
        {
            Progress = progress, Log = log, Generators = generators ?? [],
            AfterStep = natural is { } gamma ? () => NaturalGradient.Step(model, gamma, n) : null,
            LearningRateSchedule = settings.FinalLearningRate is { } last ? step => CosineRate(settings.LearningRate, last, step, settings.Iterations) : null,
        };
        return trainer.Fit(n, rows => -model.Elbo(X.index_select(0, rows).to(model.Dtype), y.index_select(0, rows)) / n);
    }

    /// <summary>The cosine-annealed rate at step (0-based) of iterations: first at step 0, last at the final step.</summary>
    public static double CosineRate(double first, double last, long step, long iterations) =>
        iterations <= 1 ? first : last + 0.5 * (first - last) * (1 + Math.Cos(Math.PI * step / (iterations - 1)));
}
