namespace Latent.Text;

/// <summary>The output layer of a language model (see <see cref="LanguageModelOptions.Softmaxes"/> for the names).</summary>
public enum SoftmaxKind
{
    /// <summary>One projection to every word's logit.</summary>
    Full,

    /// <summary>Grave et al.'s adaptive softmax: a frequent-word head and tail clusters.</summary>
    Adaptive,
}
