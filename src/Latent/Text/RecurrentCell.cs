namespace Latent.Text;

/// <summary>The recurrent cell of a language model (see <see cref="LanguageModelOptions.Cells"/> for the names).</summary>
public enum RecurrentCell
{
    /// <summary>Long short-term memory: state (h, c), four gates.</summary>
    Lstm,

    /// <summary>Gated recurrent unit: state h, three gates.</summary>
    Gru,
}
