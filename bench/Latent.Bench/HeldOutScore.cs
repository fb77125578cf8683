using Latent.Text;

namespace Latent.Bench;

/// <summary>
/// One quality figure for any pair of skip-gram vector sets: the mean negative-sampling loss per (input, output) pair on held-out
/// tokens, full window, no subsampling, with the same noise words (drawn from one seeded generator over one vocabulary) for every set.
/// </summary>
internal static class HeldOutScore
{
    /// <summary>
    /// The loss of <paramref name="input"/>/<paramref name="output"/> vectors on <paramref name="heldOut"/>, words encoded and noise drawn
    /// by <paramref name="vocabulary"/> and <paramref name="noise"/>; returns the loss and how many vocabulary words the vector sets lack.
    /// </summary>
    public static (double Loss, int Missing) Loss(Vocabulary vocabulary, UnigramTable noise, WordVectors input, WordVectors output,
        IEnumerable<string> heldOut, Word2VecOptions settings, ulong seed)
    {
        int d = input.Dimensions;
        var inputRows = input.RowsFor(vocabulary.Words);
        var outputRows = output.RowsFor(vocabulary.Words);
        int missing = vocabulary.Words.Count(w => !input.Contains(w) || !output.Contains(w));
        var corpus = vocabulary.Encode(heldOut);
        var random = new LinearCongruentialRandom(seed);
        var targets = new int[settings.Negative + 1];
        double total = 0;
        long pairs = 0;
        for (int p = 0; p < corpus.Length; p++)
        {
            for (int c = Math.Max(0, p - settings.Window); c <= Math.Min(corpus.Length - 1, p + settings.Window); c++)
            {
                if (c == p) continue;
                targets[0] = corpus[p];
                int count = 1;
                for (int k = 0; k < settings.Negative; k++)
                {
                    int word = noise.Sample(ref random);
                    if (word != corpus[p]) targets[count++] = word;
                }
                total += NegativeSampling.Loss(inputRows, corpus[c] * d, outputRows, targets.AsSpan(0, count), d);
                pairs++;
            }
        }
        return (total / pairs, missing);
    }
}
