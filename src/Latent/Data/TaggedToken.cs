namespace Latent.Data;

/// <summary>One token of a tagged corpus: the word as written and its part-of-speech tag.</summary>
public readonly record struct TaggedToken(string Word, string Tag);
