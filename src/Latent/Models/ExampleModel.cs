namespace Latent.Models;

/// <summary>A model of examples (vectors or images, not text): the shape, classes and standardisation it reads, from its <see cref="LatentModel.Data"/>.</summary>
public abstract class ExampleModel : LatentModel
{
    /// <summary>Starts a model of <paramref name="kind"/> that reads examples as <paramref name="data"/> describes them.</summary>
    protected ExampleModel(string kind, DataDescription data, TrainingRecord training) : base(kind, data, training)
    {
    }

    /// <summary>The shape of one example ([D] or [C, H, W]; empty before the shape is known).</summary>
    public long[] ExampleShape => Data.ExampleShape ?? [];

    /// <summary>The number of input features D (the product of <see cref="ExampleShape"/>).</summary>
    public int FeatureCount => Data.FeatureCount;

    /// <summary>The number of classes C (0 for a model that does not classify).</summary>
    public int ClassCount => Data.ClassCount;

    /// <summary>Class names, index = class (empty for a model that does not classify).</summary>
    public IReadOnlyList<string> ClassNames => Data.ClassNames ?? [];

    /// <summary>The standardisation of the training data (saved with the model), or null.</summary>
    public Standardization? Standardization => Data.Standardization;

    /// <summary>Raw features of a data part brought into the model's input space (its saved standardisation applied, if any).</summary>
    public DataPart Preprocessed(DataPart raw) => Data.Preprocessed(raw);
}
