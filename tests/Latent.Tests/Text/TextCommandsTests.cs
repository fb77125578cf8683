using System.Globalization;
using System.Text.Json.Nodes;
using Latent.Tests.Cli;
using Latent.Text;

namespace Latent.Tests.Text;

/// <summary>`latent word2vec` and `latent lm` end to end with their default options on a tiny corpus file.</summary>
public sealed class TextCommandsTests : TorchTest, IDisposable
{
    private readonly string directory = Directory.CreateTempSubdirectory("latent-text-cli-").FullName;

    public void Dispose() => Directory.Delete(directory, recursive: true);

    /// <summary>
    /// 1,000 sentences "the {cat|dog} {sat|ran} {on|to} a {mat|park} ." (one per line): 11 words, each seen hundreds of times,
    /// and a next word that is often determined by the one before, so a trained model must beat the uniform perplexity 12.
    /// </summary>
    private string SentenceCorpus()
    {
        var random = new Random(3);
        string Pick(params string[] words) => words[random.Next(words.Length)];
        var path = Path.Combine(directory, "corpus.txt");
        File.WriteAllLines(path, Enumerable.Range(0, 1000).Select(_ => $"The {Pick("cat", "dog")} {Pick("sat", "ran")} {Pick("on", "to")} a {Pick("mat", "park")} ."));
        return path;
    }

    private static double Metric(string folder, string key) => JsonNode.Parse(File.ReadAllText(Path.Combine(folder, "metrics.json")))![key]!.GetValue<double>();

    [Fact]
    public void Word2VecTrainWithDefaultOptionsWritesAModelFolderThatSimilarAndAnalogyRead()
    {
        var outDir = Path.Combine(directory, "w2v");
        // All options at their defaults (d=100, 5 epochs, min count 5, …); only the corpus and the output folder are given.
        var (code, error) = CliRunner.Run("word2vec", "train", "--corpus", SentenceCorpus(), "--out", outDir);
        Assert.True(code == 0, error);
        var binary = WordVectors.Load(Path.Combine(outDir, "vectors.bin"), WordVectorFormat.Binary);
        var text = WordVectors.Load(Path.Combine(outDir, "vectors.txt"), WordVectorFormat.Text);
        Assert.Equal(11, binary.Count);
        Assert.Equal(100, binary.Dimensions);
        Assert.Contains("the", binary.Words);
        Assert.Equal(binary.Words, text.Words);
        Assert.Equal(binary.Matrix.ToArray(), text.Matrix.ToArray());
        var model = Word2Vec.Load(outDir);
        Assert.Equal(binary.MostSimilar("cat", 4), model.Similar("Cat", 4));
        var vectors = File.ReadAllBytes(Path.Combine(outDir, "vectors.bin"));
        (code, error) = CliRunner.Run("word2vec", "train", "--corpus", SentenceCorpus(), "--out", outDir, "--resume");
        Assert.True(code == 0, error);
        Assert.Equal(vectors, File.ReadAllBytes(Path.Combine(outDir, "vectors.bin")));

        Assert.Equal(0, CliRunner.Run("word2vec", "similar", "--vectors", outDir, "cat").Code);
        Assert.Equal(0, CliRunner.Run("word2vec", "similar", "--vectors", Path.Combine(outDir, "vectors.bin"), "cat", "--k", "3").Code);
        Assert.Equal(0, CliRunner.Run("word2vec", "analogy", "--vectors", Path.Combine(outDir, "vectors.txt"), "cat", "dog", "mat").Code);
        OneLineError(1, "missing.bin", CliRunner.Run("word2vec", "similar", "--vectors", Path.Combine(outDir, "missing.bin"), "cat"));
        OneLineError(1, "zebra", CliRunner.Run("word2vec", "similar", "--vectors", outDir, "zebra"));
    }

    [Fact]
    public void Word2VecTrainCbowWithHierarchicalSoftmaxSumsTheContextCapsTheVocabularyAndUsesCbowsLearningRate()
    {
        var outDir = Path.Combine(directory, "w2v-cbow");
        var (code, error) = CliRunner.Run("word2vec", "train", "--corpus", SentenceCorpus(), "--out", outDir, "--model", "cbow", "--loss", "hierarchical",
            "--cbow-mean", "0", "--max-vocab", "8", "--epochs", "1", "--dim", "10");
        Assert.True(code == 0, error);
        var config = JsonNode.Parse(File.ReadAllText(Path.Combine(outDir, "config.json")))!;
        Assert.Equal("cbow", config["architecture"]!["model"]!.GetValue<string>());
        Assert.Equal("hierarchical", config["architecture"]!["loss"]!.GetValue<string>());
        var model = Word2Vec.Load(outDir);
        Assert.False(model.Options.CbowMean);
        Assert.Equal(0.05, model.Options.Alpha);
        Assert.Equal(8, model.Vocabulary.Count);
        Assert.Equal(new long[] { 7, 10 }, Latent.IO.ModelFolder.ReadWeightShapes(outDir)["huffman_node.weight"]);
        Assert.Equal(8, WordVectors.Load(Path.Combine(outDir, "vectors.txt"), WordVectorFormat.Text).Count);
        OneLineError(2, "--model", CliRunner.Run("word2vec", "train", "--corpus", SentenceCorpus(), "--model", "glove"));
        OneLineError(2, "--max-vocab", CliRunner.Run("word2vec", "train", "--corpus", SentenceCorpus(), "--max-vocab", "0"));
    }

    [Fact]
    public void Word2VecEvaluateScoresPairsAndAnalogiesOfAVectorFileAndRefusesBadInput()
    {
        var vectors = Path.Combine(directory, "vectors.txt");
        WordVectorEvaluationTests.Vectors().Save(vectors, WordVectorFormat.Text);
        var pairs = WordVectorEvaluationTests.Write(directory, "pairs.tsv", WordVectorEvaluationTests.Pairs);
        var questions = WordVectorEvaluationTests.Write(directory, "questions.txt", WordVectorEvaluationTests.Analogies);
        var (code, error) = CliRunner.Run("word2vec", "evaluate", "--model", vectors, "--pairs", pairs, "--analogies", questions);
        Assert.True(code == 0, error);
        Assert.Equal(0, CliRunner.Run("word2vec", "evaluate", "--model", vectors, "--pairs", pairs).Code);
        OneLineError(1, "--pairs", CliRunner.Run("word2vec", "evaluate", "--model", vectors));
        var bad = WordVectorEvaluationTests.Write(directory, "bad.tsv", "man woman 1\n");
        OneLineError(1, $"{bad}:1:", CliRunner.Run("word2vec", "evaluate", "--model", vectors, "--pairs", bad));
        var wrongSize = WordVectorEvaluationTests.Write(directory, "wrong.txt", "2 3\nman 1 0 0\nwoman 0 1\n");
        OneLineError(1, $"{wrongSize}: line 3 has 2 values, line 1 says 3", CliRunner.Run("word2vec", "evaluate", "--model", wrongSize, "--pairs", pairs));
        // A binary file of 3-dimensional vectors whose header says 2: the second word starts inside the first vector.
        var otherDimension = Path.Combine(directory, "other.bin");
        WordVectorEvaluationTests.Vectors().Save(otherDimension, WordVectorFormat.Binary);
        var bytes = File.ReadAllBytes(otherDimension);
        bytes[2] = (byte)'2';
        File.WriteAllBytes(otherDimension, bytes);
        OneLineError(1, $"{otherDimension}: word 2 of 6 is not text", CliRunner.Run("word2vec", "evaluate", "--model", otherDimension, "--analogies", questions));
    }

    [Fact]
    public void LmTrainUntiedWithAClipNormSavesBothAndItsOwnProjection()
    {
        var outDir = Path.Combine(directory, "lm-untied");
        var (code, error) = CliRunner.Run("lm", "train", "--corpus", SentenceCorpus(), "--out", outDir, "--untied", "--clip", "0.5", "--epochs", "1", "--size", "16");
        Assert.True(code == 0, error);
        var config = JsonNode.Parse(File.ReadAllText(Path.Combine(outDir, "config.json")))!;
        Assert.False(config["architecture"]!["tie_weights"]!.GetValue<bool>());
        Assert.Equal(0.5, config["training"]!["options"]!["clip_norm"]!.GetValue<double>());
        Assert.Contains("projection.weight", Latent.IO.ModelFolder.ReadWeightShapes(outDir).Keys);
        var loaded = LanguageModel.Load(outDir);
        Assert.False(loaded.Options.TieWeights);
        Assert.Equal(0.5, loaded.Options.ClipNorm);
    }

    [Fact]
    public void LmTrainWithAGruCellLearnsSavesTheCellAndReloadsToTheSamePerplexity()
    {
        var corpus = SentenceCorpus();
        var outDir = Path.Combine(directory, "lm-gru");
        var (code, error) = CliRunner.Run("lm", "train", "--corpus", corpus, "--out", outDir, "--cell", "gru");
        Assert.True(code == 0, error);
        var config = JsonNode.Parse(File.ReadAllText(Path.Combine(outDir, "config.json")))!;
        Assert.Equal("gru", config["architecture"]!["cell"]!.GetValue<string>());
        Assert.Equal([768, 256], Latent.IO.ModelFolder.ReadWeightShapes(outDir)["gru.weight_hh_l0"]);
        double perplexity = Metric(outDir, "test_perplexity");
        Assert.InRange(perplexity, 1, 0.5 * 12);
        var evalDir = Path.Combine(directory, "lm-gru-eval");
        Assert.Equal(0, CliRunner.Run("lm", "eval", "--model", outDir, "--corpus", corpus, "--out", evalDir).Code);
        Assert.Equal(perplexity, Metric(evalDir, "test_perplexity"), 9);
        Assert.Contains("GRU language model", LanguageModel.Load(outDir).Describe());
        OneLineError(2, "--cell", CliRunner.Run("lm", "train", "--corpus", corpus, "--cell", "rnn", "--out", Path.Combine(directory, "bad")));
    }

    [Fact]
    public void LmTrainWithAnAdaptiveSoftmaxGivesExactPerplexitySavesItsCutoffsAndGenerates()
    {
        var corpus = SentenceCorpus();
        var outDir = Path.Combine(directory, "lm-adaptive");
        var (code, error) = CliRunner.Run("lm", "train", "--corpus", corpus, "--out", outDir, "--softmax", "adaptive", "--untied", "--cutoffs", "2,5");
        Assert.True(code == 0, error);
        var config = JsonNode.Parse(File.ReadAllText(Path.Combine(outDir, "config.json")))!;
        Assert.Equal("adaptive", config["architecture"]!["softmax"]!.GetValue<string>());
        Assert.Equal("[2,5]", config["architecture"]!["cutoffs"]!.ToJsonString());
        double perplexity = Metric(outDir, "test_perplexity");
        Assert.InRange(perplexity, 1, 0.5 * 12);
        var loaded = LanguageModel.Load(outDir);
        // The adaptive softmax's scores are log-probabilities already: their exponentials are the next-word distribution.
        var distribution = loaded.NextWordDistribution("the cat");
        Assert.Equal(distribution, loaded.NextWordLogits("the cat").Select(logit => Math.Exp(logit)), (a, b) => Math.Abs(a - b) < 1e-5);
        var evalDir = Path.Combine(directory, "lm-adaptive-eval");
        Assert.Equal(0, CliRunner.Run("lm", "eval", "--model", outDir, "--corpus", corpus, "--out", evalDir).Code);
        Assert.Equal(perplexity, Metric(evalDir, "test_perplexity"), 9);
        Assert.Equal(0, CliRunner.Run("lm", "generate", "--model", outDir, "--prompt", "the", "--words", "5").Code);
        OneLineError(1, "--untied", CliRunner.Run("lm", "train", "--corpus", corpus, "--softmax", "adaptive", "--out", Path.Combine(directory, "tied")));
    }

    [Fact]
    public void LmTrainWithDefaultOptionsWritesAModelThatEvalAndGenerateLoad()
    {
        var corpus = SentenceCorpus();
        var outDir = Path.Combine(directory, "lm");
        // All options at their defaults (256 units, 6 epochs, batch 32 × BPTT 35, 10% validation, 10% test); only the corpus and the output folder are given.
        var (code, error) = CliRunner.Run("lm", "train", "--corpus", corpus, "--out", outDir);
        Assert.True(code == 0, error);
        foreach (var file in new[] { "config.json", "model.safetensors", "vocabulary.txt", "checkpoint.pt", "perplexity.png", "curve.csv", "report.md" })
            Assert.True(File.Exists(Path.Combine(outDir, file)), file);
        double perplexity = Metric(outDir, "test_perplexity");
        Assert.InRange(perplexity, 1, 0.5 * 12);
        Assert.InRange(Metric(outDir, "test_accuracy"), 0, 1);

        // The reloaded model scores the same test tokens exactly as the trained one did.
        var evalDir = Path.Combine(directory, "lm-eval");
        Assert.Equal(0, CliRunner.Run("lm", "eval", "--model", outDir, "--corpus", corpus, "--out", evalDir).Code);
        Assert.Equal(perplexity, Metric(evalDir, "test_perplexity"), 9);
        Assert.Equal(0, CliRunner.Run("lm", "eval", "--model", outDir, "--corpus", corpus, "--split", "validation", "--out", evalDir).Code);
        Assert.InRange(Metric(evalDir, "validation_perplexity"), 1, 0.5 * 12);
        Assert.Equal(0, CliRunner.Run("lm", "generate", "--model", outDir).Code);
        Assert.Equal(0, CliRunner.Run("lm", "generate", "--model", outDir, "--prompt", "the cat", "--words", "5", "--top-k", "3", "--temperature", "0").Code);
        OneLineError(1, "prompt", CliRunner.Run("lm", "generate", "--model", outDir, "--prompt", "   "));
        OneLineError(1, "'lstm-lm'", CliRunner.Run("word2vec", "similar", "--vectors", outDir, "cat"));
    }

    [Fact]
    public void AnEmptyMissingOrCorruptCorpusIsAOneLineError()
    {
        var empty = Path.Combine(directory, "empty.txt");
        File.WriteAllText(empty, "\n \n");
        var corrupt = Path.Combine(directory, "corrupt.txt.gz");
        File.WriteAllBytes(corrupt, [0x1f, 0x8b, 1, 2, 3, 4, 5, 6, 7, 8, 9]);
        var missing = Path.Combine(directory, "missing.txt");
        foreach (var path in new[] { empty, corrupt, missing })
        {
            OneLineError(1, path, CliRunner.Run("lm", "train", "--corpus", path, "--out", Path.Combine(directory, "out")));
            OneLineError(1, path, CliRunner.Run("word2vec", "train", "--corpus", path, "--out", Path.Combine(directory, "out")));
        }
        var tiny = Path.Combine(directory, "tiny.txt");
        File.WriteAllText(tiny, "a b c d e");
        OneLineError(1, "too few", CliRunner.Run("lm", "train", "--corpus", tiny, "--out", Path.Combine(directory, "out")));
        OneLineError(2, "--test-fraction", CliRunner.Run("lm", "train", "--corpus", tiny, "--test-fraction", "1.5"));
    }

    [Fact]
    public void APlainTextTokenWithASlashKeepsBothWordsButATaggedCorpusDropsTheTagAfterTheLastSlash()
    {
        var plain = Path.Combine(directory, "plain.txt");
        File.WriteAllText(plain, "cats and/or dogs 1/2 cup");
        Assert.Equal(["cats", "and", "/", "or", "dogs", "1", "/", "2", "cup"], CorpusTokens.Load(plain));
        var tagged = Path.Combine(directory, "tagged.txt");
        File.WriteAllText(tagged, "the/at cats/nns and/or/cc dogs/nns");
        Assert.Equal(["the", "cats", "and/or", "dogs"], CorpusTokens.Load(tagged));
    }

    [Fact]
    public void AUserCorpusSplitsInOrderWithTheLastTestFractionForTestingAndTheValidationFractionBeforeIt()
    {
        var path = Path.Combine(directory, "numbers.txt");
        File.WriteAllLines(path, Enumerable.Range(0, 20).Select(line => string.Join(' ', Enumerable.Range(line * 5, 5).Select(i => i.ToString(CultureInfo.InvariantCulture)))));
        var split = CorpusTokens.LoadSplit(path, validationFraction: 0.2, testFraction: 0.1);
        Assert.Equal(Enumerable.Range(0, 70).Select(i => i.ToString(CultureInfo.InvariantCulture)), split.Train);
        Assert.Equal(Enumerable.Range(70, 20).Select(i => i.ToString(CultureInfo.InvariantCulture)), split.Validation);
        Assert.Equal(Enumerable.Range(90, 10).Select(i => i.ToString(CultureInfo.InvariantCulture)), split.Test);
    }

    private static void OneLineError(int expectedCode, string mention, (int Code, string Error) result)
    {
        Assert.Equal(expectedCode, result.Code);
        Assert.Contains(mention, result.Error);
        Assert.Single(result.Error.Split('\n', StringSplitOptions.RemoveEmptyEntries));
    }
}
