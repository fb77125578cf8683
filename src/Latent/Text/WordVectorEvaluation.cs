using System.Globalization;
using System.Numerics;
using System.Text;

namespace Latent.Text;

/// <summary>How word vectors agree with human similarity judgements (gensim's evaluate_word_pairs).</summary>
/// <param name="Spearman">Spearman's ρ between the judged scores and the vectors' cosines (average ranks for ties).</param>
/// <param name="Pearson">Pearson's r between the same two lists.</param>
/// <param name="Pairs">Pairs scored: both words known.</param>
/// <param name="OutOfVocabulary">Pairs skipped because a word has no vector.</param>
public sealed record WordPairScore(double Spearman, double Pearson, int Pairs, int OutOfVocabulary)
{
    /// <summary>The share of pairs skipped for an unknown word, in [0, 1] (gensim reports it in percent).</summary>
    public double OutOfVocabularyShare => (double)OutOfVocabulary / (Pairs + OutOfVocabulary);
}

/// <summary>One section of an analogy file (": name" header) and the questions answered in it.</summary>
/// <param name="Name">The header's text.</param>
/// <param name="Correct">Questions whose answer was the nearest candidate.</param>
/// <param name="Answered">Questions with all four words known.</param>
public sealed record AnalogySection(string Name, int Correct, int Answered)
{
    /// <summary>Correct / answered, or 0 when no question was answered (as gensim scores it).</summary>
    public double Accuracy => Answered == 0 ? 0 : (double)Correct / Answered;
}

/// <summary>Analogy accuracy per section and in total (gensim's evaluate_word_analogies).</summary>
/// <param name="Sections">The sections in file order.</param>
/// <param name="OutOfVocabulary">Questions skipped because one of their words has no vector.</param>
public sealed record AnalogyScore(IReadOnlyList<AnalogySection> Sections, int OutOfVocabulary)
{
    /// <summary>Questions answered correctly in all sections.</summary>
    public int Correct => Sections.Sum(s => s.Correct);

    /// <summary>Questions answered in all sections.</summary>
    public int Answered => Sections.Sum(s => s.Answered);

    /// <summary>Correct / answered over the whole file, or 0 when none was answered.</summary>
    public double Accuracy => Answered == 0 ? 0 : (double)Correct / Answered;
}

/// <summary>
/// Scores word vectors on the two standard kinds of test files the way gensim's KeyedVectors does, so that the numbers agree with
/// gensim's: only the first <see cref="RestrictVocabulary"/> words (the most frequent) count, words are compared case-insensitively
/// (upper-cased; of several case variants the first, most frequent, one is used), and questions with an unknown word are skipped and counted.
/// Unlike gensim, a malformed line is an error naming the file and line rather than silently skipped.
/// </summary>
public static class WordVectorEvaluation
{
    /// <summary>gensim's restrict_vocab default: only the first 300,000 words are looked up and searched.</summary>
    public const int RestrictVocabulary = 300_000;

    /// <summary>The candidates gensim's evaluate_word_analogies takes from most_similar (topn=5) before dropping the question's own words.</summary>
    private const int AnalogyCandidates = 5;

    /// <summary>
    /// Correlates cosine similarities with the scores of a word-pair file: lines "word1 TAB word2 TAB score" (WordSim-353,
    /// SimLex-999 style), blank lines and lines starting with '#' ignored.
    /// </summary>
    public static WordPairScore EvaluateWordPairs(this WordVectors vectors, string path)
    {
        var known = KnownWords(vectors);
        var gold = new List<double>();
        var model = new List<double>();
        int outOfVocabulary = 0, lineNumber = 0;
        foreach (var line in ReadLines(path))
        {
            lineNumber++;
            if (line.Trim().Length == 0 || line.StartsWith('#')) continue;
            var parts = line.Split('\t');
            if (parts.Length != 3 || !double.TryParse(parts[2].Trim(), NumberStyles.Float, CultureInfo.InvariantCulture, out double score) || !double.IsFinite(score))
                throw new LatentException($"{path}:{lineNumber}: expected 'word1<TAB>word2<TAB>score', got '{Shorten(line)}'");
            if (!known.TryGetValue(Key(parts[0]), out int a) || !known.TryGetValue(Key(parts[1]), out int b))
            {
                outOfVocabulary++;
                continue;
            }
            gold.Add(score);
            model.Add(WordVectors.Cosine(vectors.Row(a), vectors.Row(b)));
        }
        if (gold.Count == 0) throw new LatentException($"{path}: no pair has both words in the vocabulary ({outOfVocabulary} pairs with an unknown word)");
        return new WordPairScore(SpearmanCorrelation(gold, model), PearsonCorrelation(gold, model), gold.Count, outOfVocabulary);
    }

    /// <summary>
    /// Answers the questions of an analogy file (Google's questions-words format: ": section" headers, then "a b c d" lines meaning
    /// a : b :: c : d) by 3CosAdd over the first <see cref="RestrictVocabulary"/> words: the word nearest to unit(b) − unit(a) + unit(c),
    /// excluding a, b and c.
    /// </summary>
    public static AnalogyScore EvaluateWordAnalogies(this WordVectors vectors, string path)
    {
        var known = KnownWords(vectors);
        var unit = vectors.UnitRows;
        int d = vectors.Dimensions, searched = Math.Min(vectors.Count, RestrictVocabulary);
        var sections = new List<AnalogySection>();
        string? section = null;
        int correct = 0, answered = 0, outOfVocabulary = 0, lineNumber = 0;
        var query = new float[d];
        foreach (var line in ReadLines(path))
        {
            lineNumber++;
            if (line.StartsWith(": ", StringComparison.Ordinal))
            {
                if (section is not null) sections.Add(new AnalogySection(section, correct, answered));
                (section, correct, answered) = (line[2..].Trim(), 0, 0);
                continue;
            }
            if (line.Trim().Length == 0) continue;
            if (section is null) throw new LatentException($"{path}:{lineNumber}: a question before the first ': section' header");
            var words = line.Split((char[]?)null, StringSplitOptions.RemoveEmptyEntries);
            if (words.Length != 4) throw new LatentException($"{path}:{lineNumber}: expected four words 'a b c d' (a : b :: c : d), got '{Shorten(line)}'");
            var keys = words.Select(Key).ToArray();
            var rows = new int[4];
            if (!keys.Select((k, i) => known.TryGetValue(k, out rows[i])).All(found => found))
            {
                outOfVocabulary++;
                continue;
            }
            Query(unit, d, rows[0], rows[1], rows[2], query);
            var predicted = Answer(vectors, unit, d, searched, query, rows.AsSpan(0, 3), keys.AsSpan(0, 3));
            answered++;
            if (predicted == keys[3]) correct++;
        }
        if (section is not null) sections.Add(new AnalogySection(section, correct, answered));
        if (sections.Count == 0) throw new LatentException($"{path}: no ': section' header and no question");
        return new AnalogyScore(sections, outOfVocabulary);
    }

    /// <summary>Spearman's ρ: Pearson's r of the two lists' ranks, tied values sharing their average rank (as scipy's spearmanr).</summary>
    public static double SpearmanCorrelation(IReadOnlyList<double> x, IReadOnlyList<double> y) => PearsonCorrelation(Ranks(x), Ranks(y));

    /// <summary>Pearson's r; NaN when either list is constant (as scipy returns).</summary>
    public static double PearsonCorrelation(IReadOnlyList<double> x, IReadOnlyList<double> y)
    {
        if (x.Count != y.Count || x.Count < 2) throw new LatentException($"correlation needs two lists of the same length ≥ 2, got {x.Count} and {y.Count}");
        double mx = x.Average(), my = y.Average(), sxy = 0, sxx = 0, syy = 0;
        for (int i = 0; i < x.Count; i++)
        {
            sxy += (x[i] - mx) * (y[i] - my);
            sxx += (x[i] - mx) * (x[i] - mx);
            syy += (y[i] - my) * (y[i] - my);
        }
        return sxx == 0 || syy == 0 ? double.NaN : sxy / Math.Sqrt(sxx * syy);
    }

    /// <summary>1-based ranks, ties given the average of the ranks they span.</summary>
    private static double[] Ranks(IReadOnlyList<double> values)
    {
        var order = Enumerable.Range(0, values.Count).OrderBy(i => values[i]).ToArray();
        var ranks = new double[values.Count];
        for (int start = 0; start < order.Length;)
        {
            int end = start;
            while (end + 1 < order.Length && values[order[end + 1]] == values[order[start]]) end++;
            double rank = (start + end) / 2.0 + 1;
            for (int k = start; k <= end; k++) ranks[order[k]] = rank;
            start = end + 1;
        }
        return ranks;
    }

    /// <summary>Upper-cased word → row over the first <see cref="RestrictVocabulary"/> rows, the first (most frequent) case variant winning.</summary>
    private static Dictionary<string, int> KnownWords(WordVectors vectors)
    {
        var known = new Dictionary<string, int>(StringComparer.Ordinal);
        for (int w = 0; w < Math.Min(vectors.Count, RestrictVocabulary); w++) known.TryAdd(Key(vectors.Words[w]), w);
        return known;
    }

    /// <summary>How a word is looked up: trimmed and upper-cased, as gensim's case_insensitive does.</summary>
    private static string Key(string word) => word.Trim().ToUpperInvariant();

    /// <summary>unit(b) − unit(a) + unit(c), normalised.</summary>
    private static void Query(float[] unit, int d, int a, int b, int c, float[] query)
    {
        double norm = 0;
        for (int i = 0; i < d; i++)
        {
            query[i] = unit[b * d + i] - unit[a * d + i] + unit[c * d + i];
            norm += (double)query[i] * query[i];
        }
        float scale = norm == 0 ? 0 : (float)(1 / Math.Sqrt(norm));
        for (int i = 0; i < d; i++) query[i] *= scale;
    }

    /// <summary>
    /// gensim's choice: the <see cref="AnalogyCandidates"/> rows nearest to <paramref name="query"/> other than the question's rows, the
    /// first of them whose upper-cased word is not one of the question's words (the last one when all are).
    /// </summary>
    private static string Answer(WordVectors vectors, float[] unit, int d, int searched, float[] query, ReadOnlySpan<int> questionRows, ReadOnlySpan<string> questionKeys)
    {
        Span<int> best = stackalloc int[AnalogyCandidates];
        Span<float> bestScore = stackalloc float[AnalogyCandidates];
        int count = 0;
        for (int w = 0; w < searched; w++)
        {
            if (questionRows.Contains(w)) continue;
            float score = Dot(unit.AsSpan(w * d, d), query);
            if (count == AnalogyCandidates && score <= bestScore[count - 1]) continue;
            int at = count == AnalogyCandidates ? count - 1 : count++;
            for (; at > 0 && bestScore[at - 1] < score; at--) (best[at], bestScore[at]) = (best[at - 1], bestScore[at - 1]);
            (best[at], bestScore[at]) = (w, score);
        }
        string predicted = "";
        for (int k = 0; k < count; k++)
        {
            predicted = Key(vectors.Words[best[k]]);
            if (!questionKeys.Contains(predicted)) break;
        }
        return predicted;
    }

    /// <summary>a·b in float32 with SIMD, as gensim's BLAS scores candidates.</summary>
    private static float Dot(ReadOnlySpan<float> a, ReadOnlySpan<float> b)
    {
        var sum = Vector<float>.Zero;
        int i = 0;
        for (; i <= a.Length - Vector<float>.Count; i += Vector<float>.Count) sum += new Vector<float>(a[i..]) * new Vector<float>(b[i..]);
        float total = Vector.Sum(sum);
        for (; i < a.Length; i++) total += a[i] * b[i];
        return total;
    }

    private static IEnumerable<string> ReadLines(string path) =>
        File.Exists(path) ? File.ReadLines(path, Encoding.UTF8) : throw new LatentException($"{path}: evaluation file not found");

    private static string Shorten(string line) => line.Length <= 60 ? line : line[..57] + "...";
}
