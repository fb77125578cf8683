namespace Latent.Models;

/// <summary>A model that gives class probabilities for features; <see cref="Classifiers.PredictY"/> turns them into classes.</summary>
public interface IClassifier
{
    /// <summary>Class probabilities [N, C] for features [N, …].</summary>
    Tensor PredictProba(Tensor features);
}

/// <summary>What every <see cref="IClassifier"/> can do from its probabilities.</summary>
public static class Classifiers
{
    /// <summary>The most probable class [N] (int64) for features [N, …].</summary>
    public static Tensor PredictY(this IClassifier model, Tensor features)
    {
        using var probabilities = model.PredictProba(features);
        return probabilities.argmax(1);
    }
}
