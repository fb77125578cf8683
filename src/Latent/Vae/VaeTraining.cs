namespace Latent.Vae;

/// <summary>Trains a VAE through <see cref="Trainer"/>: seeded batches of the (re-)binarized images, loss from an <see cref="IVaeObjective"/>.</summary>
public static class VaeTraining
{
    /// <summary>
    /// Fits <paramref name="model"/> on <paramref name="data"/> (dynamic binarization draws new pixels before every epoch).
    /// The sampling noise of z comes from a generator on the model's device seeded by <see cref="TrainerOptions.Seed"/>, so a seed fixes the run;
    /// checkpoints keep its state and that of <paramref name="generators"/> (for example the evaluation's noise).
    /// <paramref name="objectiveForEpoch"/> gives each epoch's objective (a KL warm-up changes it from epoch to epoch). <paramref name="validate"/>
    /// is the validation −ELBO early stopping watches (see <see cref="TrainerOptions.Patience"/>); <paramref name="log"/> receives TensorBoard scalars.
    /// A conditional VAE reads the class <paramref name="labels"/> [N] of the examples.
    /// </summary>
    public static LearningCurve Fit(
        VariationalAutoencoder model,
        Func<int, IVaeObjective> objectiveForEpoch,
        BinarizedImages data,
        OptimizerSettings optimizer,
        TrainerOptions options,
        Func<double>? evaluate = null,
        Action<TrainingProgress>? progress = null,
        IReadOnlyList<Generator>? generators = null,
        Func<double>? validate = null,
        RunLog? log = null,
        Tensor? labels = null)
    {
        using var generator = new Generator(unchecked((ulong)options.Seed * 7_919UL + 1UL), model.Device);
        var epochData = data.ForEpoch(0);
        var objective = objectiveForEpoch(0);
        var trainer = new Trainer(model, optimizer, options)
        {
            BeforeEpoch = epoch =>
            {
                objective = objectiveForEpoch(epoch);
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
            return trainer.Fit(data.Count, indices => objective.Loss(model, epochData.index_select(0, indices), generator, labels?.index_select(0, indices)));
        }
        finally
        {
            if (data.Mode == Binarization.Dynamic) epochData.Dispose();
        }
    }

    /// <summary>
    /// The mean negative ELBO (nats per example, one z sample each) over <paramref name="images"/> (of the classes <paramref name="labels"/> for a
    /// conditional VAE), in chunks, without gradients; <paramref name="stop"/> is checked before each chunk (<see cref="PhaseInterruptedException"/>).
    /// </summary>
    public static double NegativeElbo(VariationalAutoencoder model, Tensor images, Generator? generator = null, long chunk = 1000, CancellationToken stop = default, Tensor? labels = null)
    {
        using var noGrad = no_grad();
        double total = 0;
        for (long start = 0; start < images.shape[0]; start += chunk)
        {
            PhaseInterruptedException.ThrowIf(stop, "the test -ELBO");
            using var scope = NewDisposeScope();
            long count = Math.Min(chunk, images.shape[0] - start);
            total -= model.Elbo(images.narrow(0, start, count), generator, labels: labels?.narrow(0, start, count)).Elbo.sum().item<float>();
        }
        return total / images.shape[0];
    }

    /// <summary>The posterior means E_q[z|x] of <paramref name="images"/> [N, …] (classes <paramref name="labels"/> for a conditional VAE), in chunks, without gradients; shape [N, latent].</summary>
    public static Tensor PosteriorMeans(VariationalAutoencoder model, Tensor images, long chunk = 1000, Tensor? labels = null)
    {
        using var noGrad = no_grad();
        var pieces = new List<Tensor>();
        for (long start = 0; start < images.shape[0]; start += chunk)
        {
            long count = Math.Min(chunk, images.shape[0] - start);
            pieces.Add(model.EncodeMeans(images.narrow(0, start, count), labels?.narrow(0, start, count)));
        }
        var means = cat(pieces, 0);
        foreach (var piece in pieces) piece.Dispose();
        return means;
    }

    /// <summary>
    /// The IWAE log-likelihood estimate (nats per example, k = <paramref name="samples"/>) over <paramref name="images"/>, with its standard
    /// error over the examples and the estimate from the first k/10 of the same draws (see <see cref="ImportanceWeightedLikelihood.Estimate"/>);
    /// <paramref name="progress"/> receives the examples done, and <paramref name="stop"/> is checked before each chunk of draws
    /// (<see cref="PhaseInterruptedException"/>). A conditional VAE reads the classes <paramref name="labels"/> [N].
    /// </summary>
    public static IwaeEstimate LogLikelihood(VariationalAutoencoder model, Tensor images, int samples, Generator? generator = null, Action<long>? progress = null, CancellationToken stop = default, Tensor? labels = null) =>
        ImportanceWeightedLikelihood.Estimate(model, images, samples, generator, progress, stop, labels: labels);
}
