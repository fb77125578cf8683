using Latent.Training;
using TorchSharp;
using static TorchSharp.torch;

namespace Latent.Vae;

/// <summary>Trains a VAE through <see cref="Trainer"/>: seeded batches of the (re-)binarized images, loss from an <see cref="IVaeObjective"/>.</summary>
public static class VaeTraining
{
    /// <summary>
    /// Fits <paramref name="model"/> on <paramref name="data"/> (dynamic binarization draws new pixels before every epoch).
    /// The sampling noise of z comes from a generator on the model's device seeded by <see cref="TrainerOptions.Seed"/>, so a seed fixes the run;
    /// checkpoints keep its state and that of <paramref name="generators"/> (for example the evaluation's noise). <paramref name="validate"/>
    /// is the validation −ELBO early stopping watches (see <see cref="TrainerOptions.Patience"/>); <paramref name="log"/> receives TensorBoard scalars.
    /// </summary>
    public static LearningCurve Fit(
        VariationalAutoencoder model,
        IVaeObjective objective,
        BinarizedImages data,
        OptimizerSettings optimizer,
        TrainerOptions options,
        Func<double>? evaluate = null,
        Action<TrainingProgress>? progress = null,
        IReadOnlyList<Generator>? generators = null,
        Func<double>? validate = null,
        RunLog? log = null)
    {
        using var generator = new Generator(unchecked((ulong)options.Seed * 7_919UL + 1UL), model.Device);
        var epochData = data.ForEpoch(0);
        var trainer = new Trainer(model, optimizer, options)
        {
            BeforeEpoch = epoch =>
            {
                if (data.Mode != Binarization.Dynamic || epoch == 0) return;
                epochData.Dispose();
                epochData = data.ForEpoch(epoch);
            },
            Evaluate = evaluate,
            EvaluationName = "test negative ELBO",
            Validate = validate,
            ValidationName = "negative ELBO",
            Log = log,
            Progress = progress,
            Generators = [generator, .. generators ?? []],
        };
        try
        {
            return trainer.Fit(data.Count, indices => objective.Loss(model, epochData.index_select(0, indices), generator));
        }
        finally
        {
            if (data.Mode == Binarization.Dynamic) epochData.Dispose();
        }
    }

    /// <summary>The mean negative ELBO (nats per example, one z sample each) over <paramref name="images"/>, in chunks, without gradients.</summary>
    public static double NegativeElbo(VariationalAutoencoder model, Tensor images, Generator? generator = null, long chunk = 1000)
    {
        using var noGrad = no_grad();
        double total = 0;
        for (long start = 0; start < images.shape[0]; start += chunk)
        {
            using var scope = NewDisposeScope();
            var x = images.narrow(0, start, Math.Min(chunk, images.shape[0] - start));
            total -= model.Elbo(x, generator).Elbo.sum().item<float>();
        }
        return total / images.shape[0];
    }

    /// <summary>
    /// The mean IWAE log-likelihood estimate (nats per example, k = <paramref name="samples"/>) over <paramref name="images"/>,
    /// a few examples at a time so memory stays bounded; <paramref name="progress"/> receives the examples done.
    /// </summary>
    public static double LogLikelihood(VariationalAutoencoder model, Tensor images, int samples, Generator? generator = null, Action<long>? progress = null)
    {
        long perBatch = Math.Clamp(65536 / samples, 1, 500);
        double total = 0;
        for (long start = 0; start < images.shape[0]; start += perBatch)
        {
            using var scope = NewDisposeScope();
            var x = images.narrow(0, start, Math.Min(perBatch, images.shape[0] - start));
            total += model.EstimateLogLikelihood(x, samples, generator).sum().item<float>();
            progress?.Invoke(start + x.shape[0]);
        }
        return total / images.shape[0];
    }
}
