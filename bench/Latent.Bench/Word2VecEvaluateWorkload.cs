using System.Globalization;
using System.Text;
using System.Text.Json.Nodes;
using Latent.Data;
using Latent.Text;

namespace Latent.Bench;

/// <summary>
/// Checks that `latent word2vec evaluate` (WordVectors.EvaluateWordPairs / EvaluateWordAnalogies) gives gensim's numbers: the same
/// vectors are written to a word2vec binary file, scored by Latent and by gensim's own KeyedVectors.evaluate_word_pairs and
/// evaluate_word_analogies (python/gensim_evaluate.py), and every figure is compared (target: within 1e-3). The vectors are trained on
/// Brown (skip-gram + negative, one epoch) unless --vectors is given; the files are --pairs / --analogies, or else built from the
/// Brown vocabulary (random pairs with tied integer scores; analogies from suffix pairs such as word/words, word/worded, word/wordly).
/// </summary>
public sealed class Word2VecEvaluateWorkload : IWorkload
{
    private const double Tolerance = 1e-3;

    /// <inheritdoc />
    public string Name => "word2vec-evaluate";

    /// <inheritdoc />
    public string Description => "word-pair Spearman/Pearson and analogy accuracy from Latent vs gensim's own evaluators on the same vectors (target: within 1e-3) [--vectors FILE] [--pairs FILE] [--analogies FILE]";

    /// <inheritdoc />
    public void Run(string[] args)
    {
        Arguments.RejectUnknown(args, "--vectors", "--pairs", "--analogies");
        var gensim = GensimWord2Vec.Find(out string why) ?? throw new LatentException($"gensim is needed for this comparison: {why}");
        var directory = Directory.CreateTempSubdirectory("latent-w2v-evaluate-").FullName;
        try
        {
            WordVectors vectors;
            string vectorFile;
            if (Arguments.Text(args, "--vectors") is { } given)
            {
                vectors = WordVectors.Read(given);
                Console.WriteLine($"vectors: {given} ({vectors.Count:N0} words, {vectors.Dimensions} dimensions)");
            }
            else
            {
                var tokens = BrownCorpus.LoadEmbedded().Words.Select(w => w.ToLowerInvariant()).ToList();
                vectors = new Word2Vec(new Word2VecOptions { Epochs = 1 }).Fit(tokens).Vectors;
                Console.WriteLine($"vectors: skip-gram + negative, one epoch on lowercased Brown ({vectors.Count:N0} words, {vectors.Dimensions} dimensions)");
            }
            vectorFile = Path.Combine(directory, "vectors.bin");
            vectors.Save(vectorFile, WordVectorFormat.Binary);
            var pairs = Arguments.Text(args, "--pairs") ?? WritePairs(vectors, Path.Combine(directory, "brown-pairs.tsv"));
            var analogies = Arguments.Text(args, "--analogies") ?? WriteAnalogies(vectors, Path.Combine(directory, "brown-analogies.txt"));
            Console.WriteLine($"word pairs: {pairs}\nanalogies: {analogies}\ngensim {gensim.Version}: KeyedVectors.load_word2vec_format of the same binary file");

            var theirs = gensim.Evaluate(vectorFile, pairs, analogies);
            var reread = WordVectors.Load(vectorFile, WordVectorFormat.Binary);
            var pairScore = reread.EvaluateWordPairs(pairs);
            var analogyScore = reread.EvaluateWordAnalogies(analogies);
            var gensimPairs = theirs["pairs"]![pairs]!;
            var gensimAnalogies = theirs["analogies"]![analogies]!;
            var gensimSections = gensimAnalogies["sections"]!.AsArray();
            var rows = new List<(string Figure, double Latent, double Gensim)>
            {
                ("pairs: spearman", pairScore.Spearman, Number(gensimPairs, "spearman")),
                ("pairs: pearson", pairScore.Pearson, Number(gensimPairs, "pearson")),
                ("pairs: unknown share", pairScore.OutOfVocabularyShare, Number(gensimPairs, "oov_percent") / 100),
            };
            for (int s = 0; s < analogyScore.Sections.Count; s++)
            {
                var section = gensimSections[s]!;
                rows.Add(($"analogies: {analogyScore.Sections[s].Name} ({analogyScore.Sections[s].Correct}/{analogyScore.Sections[s].Answered} vs {section["correct"]}/{section["answered"]})",
                    analogyScore.Sections[s].Accuracy, (double)section["correct"]!.GetValue<int>() / Math.Max(1, section["answered"]!.GetValue<int>())));
            }
            rows.Add(($"analogies: total ({analogyScore.Correct}/{analogyScore.Answered})", analogyScore.Accuracy, Number(gensimAnalogies, "accuracy")));
            Console.WriteLine();
            Console.WriteLine("| figure | Latent | gensim | abs difference |");
            Console.WriteLine("|---|---|---|---|");
            foreach (var (figure, latent, other) in rows)
                Console.WriteLine(string.Create(CultureInfo.InvariantCulture, $"| {figure} | {latent:F6} | {other:F6} | {Math.Abs(latent - other):E1} |"));
            bool sameSections = gensimSections.Count == analogyScore.Sections.Count + 1;
            double worst = rows.Max(r => Math.Abs(r.Latent - r.Gensim));
            Console.WriteLine(string.Create(CultureInfo.InvariantCulture,
                $"largest difference {worst:E1}, sections {(sameSections ? "match" : "DIFFER")}: {(worst <= Tolerance && sameSections ? "agree" : "DISAGREE")} within {Tolerance}"));
        }
        finally
        {
            Directory.Delete(directory, recursive: true);
        }
    }

    private static double Number(JsonNode node, string key) => node[key]!.GetValue<double>();

    /// <summary>600 seeded random pairs of the 3,000 most frequent words with integer scores 0–10, a few with an unknown word.</summary>
    private static string WritePairs(WordVectors vectors, string path)
    {
        var random = new Random(5);
        int top = Math.Min(3000, vectors.Count);
        var text = new StringBuilder("# random pairs of the vocabulary's most frequent words\n");
        for (int p = 0; p < 600; p++) text.Append(CultureInfo.InvariantCulture, $"{vectors.Words[random.Next(top)]}\t{vectors.Words[random.Next(top)]}\t{random.Next(11)}\n");
        text.Append("notaword\tthe\t5\n");
        File.WriteAllText(path, text.ToString());
        return path;
    }

    /// <summary>
    /// One section per suffix (-s, -ed, -ly, -ing): words w among the 5,000 most frequent whose w+suffix is also there, paired up as
    /// "w1 w1+suffix w2 w2+suffix" questions (at most 300 per section), plus one question with an unknown word.
    /// </summary>
    private static string WriteAnalogies(WordVectors vectors, string path)
    {
        var random = new Random(6);
        var frequent = vectors.Words.Take(5000).Where(w => w.All(char.IsLetter)).ToHashSet();
        var text = new StringBuilder();
        foreach (var suffix in new[] { "s", "ed", "ly", "ing" })
        {
            var stems = frequent.Where(w => frequent.Contains(w + suffix)).Order(StringComparer.Ordinal).ToArray();
            text.Append(CultureInfo.InvariantCulture, $": suffix-{suffix}\n");
            for (int q = 0; q < Math.Min(300, stems.Length * (stems.Length - 1)); q++)
            {
                string a = stems[random.Next(stems.Length)], c = stems[random.Next(stems.Length)];
                if (a != c) text.Append(CultureInfo.InvariantCulture, $"{a} {a}{suffix} {c} {c}{suffix}\n");
            }
            text.Append(CultureInfo.InvariantCulture, $"the notaword{suffix} a an\n");
        }
        File.WriteAllText(path, text.ToString());
        return path;
    }
}
