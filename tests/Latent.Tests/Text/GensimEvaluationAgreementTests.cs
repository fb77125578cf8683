using System.Globalization;
using System.Text;
using System.Text.Json.Nodes;
using Latent.Text;
using Xunit.Abstractions;

namespace Latent.Tests.Text;

/// <summary>
/// Word-pair and analogy scores agree with gensim's own KeyedVectors.evaluate_word_pairs / evaluate_word_analogies on the same
/// vector file (run through python/gensim_evaluate.py). Asserts whenever a Python with gensim is installed; without one (CI has
/// only the .NET SDK) it says so in the test output and checks nothing.
/// </summary>
public sealed class GensimEvaluationAgreementTests(ITestOutputHelper output) : IDisposable
{
    private static readonly Lazy<string?> GensimPython = new(() => PythonRunner.FindWith("gensim"));
    private readonly string directory = Directory.CreateTempSubdirectory("latent-w2v-gensim-").FullName;

    public void Dispose() => Directory.Delete(directory, recursive: true);

    [Fact]
    public void PairsAndAnalogiesAgreeWithGensimsEvaluators()
    {
        if (GensimPython.Value is not { } python)
        {
            output.WriteLine("not checked: no Python that imports gensim (install Debian's python3-gensim)");
            return;
        }
        var (vectors, pairs, analogies) = PlantedFiles(directory);
        var vectorFile = Path.Combine(directory, "vectors.txt");
        vectors.Save(vectorFile, WordVectorFormat.Text);
        var gensim = RunGensim(python, vectorFile, pairs, analogies);

        var pairScore = vectors.EvaluateWordPairs(pairs);
        var gensimPairs = gensim["pairs"]![pairs]!;
        Assert.Equal(gensimPairs["spearman"]!.GetValue<double>(), pairScore.Spearman, 1e-3);
        Assert.Equal(gensimPairs["pearson"]!.GetValue<double>(), pairScore.Pearson, 1e-3);
        Assert.Equal(gensimPairs["oov_percent"]!.GetValue<double>(), 100 * pairScore.OutOfVocabularyShare, 1e-9);

        var analogyScore = vectors.EvaluateWordAnalogies(analogies);
        var gensimSections = gensim["analogies"]![analogies]!["sections"]!.AsArray();
        // gensim appends the total as a last section.
        Assert.Equal(analogyScore.Sections.Count + 1, gensimSections.Count);
        foreach (var (mine, theirs) in analogyScore.Sections.Zip(gensimSections))
            Assert.Equal((theirs!["name"]!.GetValue<string>(), theirs["correct"]!.GetValue<int>(), theirs["answered"]!.GetValue<int>()), (mine.Name, mine.Correct, mine.Answered));
        Assert.Equal(gensim["analogies"]![analogies]!["accuracy"]!.GetValue<double>(), analogyScore.Accuracy, 1e-9);
        // The planted file must exercise both outcomes, or agreement would prove little.
        Assert.InRange(analogyScore.Correct, 20, analogyScore.Answered - 20);
    }

    /// <summary>
    /// 1,500 random 24-dimensional vectors (words w0…w1499, and case variants W0…W49 at the end) where 120 words d were set near
    /// unit(b) − unit(a) + unit(c) for a question a b c d; a pair file of random pairs with integer scores 0–10 (many ties), unknown
    /// words, comments, blank lines and mixed case; an analogy file of the planted questions, random ones and unknown words in three sections.
    /// </summary>
    internal static (WordVectors Vectors, string Pairs, string Analogies) PlantedFiles(string directory)
    {
        const int d = 24, plain = 1500, variants = 50;
        var random = new Random(11);
        var words = Enumerable.Range(0, plain).Select(i => $"w{i}").Concat(Enumerable.Range(0, variants).Select(i => $"W{i}")).ToArray();
        var data = new float[words.Length * d];
        for (int i = 0; i < data.Length; i++) data[i] = (float)(random.NextDouble() * 2 - 1);
        float[] Unit(int w)
        {
            var row = data.AsSpan(w * d, d).ToArray();
            double norm = Math.Sqrt(row.Sum(v => (double)v * v));
            return row.Select(v => (float)(v / norm)).ToArray();
        }
        var questions = new StringBuilder();
        for (int s = 0; s < 3; s++)
        {
            questions.Append(CultureInfo.InvariantCulture, $": section-{s}\n");
            for (int q = 0; q < 40; q++)
            {
                int a = random.Next(0, 500), b = random.Next(0, 500), c = random.Next(0, 500), target = 500 + s * 40 + q;
                var (ua, ub, uc) = (Unit(a), Unit(b), Unit(c));
                // Noise large enough that some planted answers lose to another word.
                for (int i = 0; i < d; i++) data[target * d + i] = ub[i] - ua[i] + uc[i] + (float)(random.NextDouble() - 0.5) * 1.1f;
                questions.Append(CultureInfo.InvariantCulture, $"{(q % 5 == 0 ? "W" : "w")}{a} w{b} w{c} w{target}\n");
            }
            for (int q = 0; q < 20; q++) questions.Append(CultureInfo.InvariantCulture, $"w{random.Next(plain)} w{random.Next(plain)} w{random.Next(plain)} w{random.Next(plain)}\n");
            questions.Append("w1 w2 w3 unknownword\nzebra w1 w2 w3\n");
        }
        var pairs = new StringBuilder("# word1\tword2\tscore\n\n");
        for (int p = 0; p < 300; p++)
            pairs.Append(CultureInfo.InvariantCulture, $"{(p % 7 == 0 ? "W" : "w")}{random.Next(plain)}\tw{random.Next(plain)}\t{random.Next(11)}\n");
        pairs.Append("w1\tzebra\t3\ngnu\tw2\t4\n");
        return (new WordVectors(words, d, data), WordVectorEvaluationTests.Write(directory, "pairs.tsv", pairs.ToString()),
            WordVectorEvaluationTests.Write(directory, "questions.txt", questions.ToString()));
    }

    private static JsonNode RunGensim(string python, string vectorFile, string pairs, string analogies)
    {
        var script = Path.Combine(PythonRunner.RepositoryRoot("gensim_evaluate.py"), "python", "gensim_evaluate.py");
        var (code, stdout, stderr) = PythonRunner.Run(python, [script, vectorFile, "--pairs", pairs, "--analogies", analogies]);
        Assert.True(code == 0, $"gensim_evaluate.py failed ({code}): {stderr}");
        return JsonNode.Parse(stdout)!;
    }
}
