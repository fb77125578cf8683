namespace Latent.Models;

/// <summary>What every model family has in common under <see cref="ILatentModel"/>: its kind, its data description and its training record.</summary>
public abstract class LatentModel : ILatentModel
{
    /// <summary>Starts a model of <paramref name="kind"/> that reads <paramref name="data"/> and has not been trained yet.</summary>
    protected LatentModel(string kind, DataDescription data, TrainingRecord training)
    {
        ModelKind = kind;
        Data = data;
        Training = training;
    }

    /// <inheritdoc />
    public string ModelKind { get; }

    /// <inheritdoc />
    public abstract Device Device { get; }

    /// <inheritdoc />
    public DataDescription Data { get; protected set; }

    /// <inheritdoc />
    public TrainingRecord Training { get; protected set; }

    /// <inheritdoc />
    public abstract string Describe();

    /// <inheritdoc />
    public abstract IReadOnlyList<string> Save(string directory);

    /// <inheritdoc />
    public abstract void Dispose();
}
