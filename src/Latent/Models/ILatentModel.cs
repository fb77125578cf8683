namespace Latent.Models;

/// <summary>
/// The one contract of every Latent model family (the shape of scikit-learn's estimators and Hugging Face's save_pretrained): a model
/// is created from its options record, fitted, then it describes itself, saves itself as a model folder (config.json in the
/// <see cref="ModelConfig"/> layout + model.safetensors) and is loaded back with the family's <c>Load(directory, device)</c>
/// (or <see cref="ModelKinds.Load(string, string)"/> for any kind).
/// </summary>
public interface ILatentModel : IDisposable
{
    /// <summary>The family's kind, written to config.json ("vae", "svgp", …).</summary>
    string ModelKind { get; }

    /// <summary>The device the model's weights and returned tensors live on.</summary>
    Device Device { get; }

    /// <summary>What the model reads: example shape, class or target names, standardisation (empty for text models).</summary>
    DataDescription Data { get; }

    /// <summary>How it was trained: options, seed, Latent version, finish time and trained_on (no finish time before a fit).</summary>
    TrainingRecord Training { get; }

    /// <summary>A one-line description of the architecture, such as "784-400-20 bernoulli, elbo".</summary>
    string Describe();

    /// <summary>Writes the model folder into <paramref name="directory"/>; returns the paths written.</summary>
    IReadOnlyList<string> Save(string directory);
}

/// <summary>A model that evaluates itself on held-out data of type <typeparamref name="TData"/> (a <c>DataPart</c>, or tokens for text models).</summary>
public interface ILatentModel<in TData> : ILatentModel
{
    /// <summary>
    /// The model's held-out figures on <paramref name="data"/>, as metrics.json writes them, checking <paramref name="stop"/> every few
    /// examples and throwing <see cref="Training.PhaseInterruptedException"/> once it is cancelled (Ctrl-C).
    /// </summary>
    IModelMetrics Evaluate(TData data, CancellationToken stop);

    /// <summary>The same figures without a way to stop them.</summary>
    IModelMetrics Evaluate(TData data) => Evaluate(data, CancellationToken.None);
}
