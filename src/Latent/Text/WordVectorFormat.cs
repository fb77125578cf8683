namespace Latent.Text;

/// <summary>The two word2vec.c / gensim vector file formats, both starting with the header line "V D".</summary>
public enum WordVectorFormat
{
    /// <summary>One line per word: the word, then D decimal numbers separated by spaces.</summary>
    Text,

    /// <summary>Per word: the word, a space, then D little-endian float32 values (word2vec.c adds a newline after each vector).</summary>
    Binary,
}
