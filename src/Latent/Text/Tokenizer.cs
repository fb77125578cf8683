using System.Text.RegularExpressions;

namespace Latent.Text;

/// <summary>Splits plain text into word tokens: runs of letters and digits (with inner apostrophes or hyphens) and single punctuation marks.</summary>
public static partial class Tokenizer
{
    /// <summary>The tokens of <paramref name="text"/>, lowercased when <paramref name="lowercase"/> is set.</summary>
    public static IReadOnlyList<string> Tokenize(string text, bool lowercase)
    {
        // A run of letters and digits alone is one token (the pattern's first branch matches all of it): most words of a corpus.
        if (text.Length > 0 && text.All(c => char.IsLetter(c) || char.IsDigit(c))) return [lowercase ? text.ToLowerInvariant() : text];
        var tokens = new List<string>();
        foreach (Match m in TokenPattern().Matches(text)) tokens.Add(lowercase ? m.Value.ToLowerInvariant() : m.Value);
        return tokens;
    }

    [GeneratedRegex(@"[\p{L}\p{N}]+(?:['’\-][\p{L}\p{N}]+)*|[^\p{L}\p{N}\s]", RegexOptions.CultureInvariant)]
    private static partial Regex TokenPattern();
}
