using Latent.Text;

namespace Latent.Tests.Text;

/// <summary>Word-pair correlation and analogy accuracy on tiny files whose answers are worked out by hand.</summary>
public sealed class WordVectorEvaluationTests : IDisposable
{
    private readonly string directory = Directory.CreateTempSubdirectory("latent-w2v-eval-").FullName;

    public void Dispose() => Directory.Delete(directory, recursive: true);

    /// <summary>
    /// man (1,0,0), woman (0,1,0), king (1,0,1), queen (0,1,1), apple (0,0,1), and last a case variant WOMAN pointing exactly along
    /// unit(woman) − unit(man) + unit(king) = (−0.293, 1, 0.707).
    /// </summary>
    internal static WordVectors Vectors() => new(["man", "woman", "king", "queen", "apple", "WOMAN"], 3,
        [1, 0, 0, 0, 1, 0, 1, 0, 1, 0, 1, 1, 0, 0, 1, (float)(1 / Math.Sqrt(2) - 1), 1, (float)(1 / Math.Sqrt(2))]);

    internal static string Write(string directory, string name, string text)
    {
        var path = Path.Combine(directory, name);
        File.WriteAllText(path, text);
        return path;
    }

    internal const string Pairs = "# word1\tword2\tscore\nMan\twoman\t1.0\nking\tqueen\t3\nman\tking\t2.0\nwoman\tQUEEN\t2\napple\tzebra\t5\n\n";

    internal const string Analogies = ": family\nMAN Woman KING queen\nwoman man queen king\n: other\nman king woman apple\nman woman zebra queen\n";

    [Fact]
    public void WordPairsGiveSpearmanWithAverageRanksPearsonAndTheOutOfVocabularyShare()
    {
        // Cosines: man·woman 0, king·queen 0.5, man·king 1/√2, woman·queen 1/√2 (woman is the first case variant, not WOMAN).
        // Ranks: gold [1, 4, 2.5, 2.5], cosines [1, 2, 3.5, 3.5]; centred [−1.5, 1.5, 0, 0] · [−1.5, −0.5, 1, 1] = 1.5, both squares 4.5: ρ = 1/3.
        // Pearson of [1, 3, 2, 2] and [0, 0.5, 0.7071, 0.7071]: 0.5 / √(2 · 0.333947) = 0.611810.
        var score = Vectors().EvaluateWordPairs(Write(directory, "pairs.tsv", Pairs));
        Assert.Equal(1.0 / 3, score.Spearman, 9);
        Assert.Equal(0.6118098817845843, score.Pearson, 6);
        Assert.Equal(4, score.Pairs);
        Assert.Equal(1, score.OutOfVocabulary);
        Assert.Equal(0.2, score.OutOfVocabularyShare, 12);
    }

    [Fact]
    public void AnalogiesAreAnsweredBy3CosAddPerSectionSkippingTheQuestionWordsAndUnknownOnes()
    {
        // man : woman :: king : ?  The nearest row is WOMAN (cosine 1), a case variant of a question word, so queen (1.207/|q|) beats apple (0.707/|q|).
        // woman : man :: queen : ?  query (1, −0.293, 0.707): king. man : king :: woman : apple? The query is the first one again: queen, wrong.
        var score = Vectors().EvaluateWordAnalogies(Write(directory, "questions.txt", Analogies));
        Assert.Equal(2, score.Sections.Count);
        Assert.Equal(new AnalogySection("family", 2, 2), score.Sections[0]);
        Assert.Equal(new AnalogySection("other", 0, 1), score.Sections[1]);
        Assert.Equal(2.0 / 3, score.Accuracy, 12);
        Assert.Equal(1, score.OutOfVocabulary);
    }

    [Fact]
    public void MalformedFilesAreOneLineErrorsNamingFileAndLine()
    {
        var vectors = Vectors();
        var pairs = Write(directory, "bad.tsv", "man\twoman\t1\nman woman 2\n");
        Assert.Equal($"{pairs}:2: expected 'word1<TAB>word2<TAB>score', got 'man woman 2'", Assert.Throws<LatentException>(() => vectors.EvaluateWordPairs(pairs)).Message);
        var questions = Write(directory, "bad.txt", ": s\nman woman king\n");
        Assert.StartsWith($"{questions}:2: expected four words", Assert.Throws<LatentException>(() => vectors.EvaluateWordAnalogies(questions)).Message);
        var headless = Write(directory, "headless.txt", "man woman king queen\n");
        Assert.StartsWith($"{headless}:1: a question before", Assert.Throws<LatentException>(() => vectors.EvaluateWordAnalogies(headless)).Message);
        var unknown = Write(directory, "unknown.tsv", "zebra\tgnu\t1\n");
        Assert.StartsWith($"{unknown}: no pair has both words", Assert.Throws<LatentException>(() => vectors.EvaluateWordPairs(unknown)).Message);
    }
}
