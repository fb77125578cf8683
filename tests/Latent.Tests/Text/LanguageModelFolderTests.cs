using Latent.IO;
using Latent.Text;

namespace Latent.Tests.Text;

/// <summary>The library's LSTM language model and word2vec: fit, save, load, and the model-folder checks.</summary>
public sealed class LanguageModelFolderTests : TorchTest, IDisposable
{
    private readonly string directory = Directory.CreateTempSubdirectory("latent-text-folder-").FullName;

    public void Dispose() => Directory.Delete(directory, recursive: true);

    private static List<string> Tokens(int count)
    {
        string[] cycle = ["the", "cat", "sat", "on", "the", "mat", "."];
        return Enumerable.Range(0, count).Select(i => cycle[i % cycle.Length]).ToList();
    }

    // Hidden size 32: a multiple of 32, where libtorch's float32 LSTM is right on every CPU (DESIGN.md §3).
    private static LanguageModel Fitted(bool tie)
    {
        var model = new LanguageModel(new LanguageModelOptions { EmbeddingSize = 32, HiddenSize = 32, TieWeights = tie, MinCount = 1, Epochs = 2, BatchSize = 4, Bptt = 10, Seed = 5 });
        model.Fit(Tokens(400), Tokens(100));
        return model;
    }

    [Theory]
    [InlineData(true)]
    [InlineData(false)]
    public void SaveThenLoadGivesTheSameNextWordDistributionAndPyTorchLikeKeys(bool tie)
    {
        var model = Fitted(tie);
        model.Save(directory);
        var loaded = LanguageModel.Load(directory);
        Assert.Equal(model.Vocabulary.Words, loaded.Vocabulary.Words);
        Assert.Equal(model.Options, loaded.Options);
        var distribution = model.NextWordDistribution("the cat sat");
        Assert.Equal(distribution, loaded.NextWordDistribution("the cat sat"));
        Assert.Equal(1.0, distribution.Sum(), 9);
        Assert.Equal(model.Generate("the", 8, 1.0, 0, seed: 4), loaded.Generate("the", 8, 1.0, 0, seed: 4));
        Assert.Equal(model.Evaluate(Tokens(120)), loaded.Evaluate(Tokens(120)));

        var keys = ModelFolder.ReadWeights(directory).Keys.ToHashSet();
        Assert.Contains("embedding.weight", keys);
        Assert.Contains("lstm.weight_ih_l0", keys);
        Assert.Contains("lstm.weight_hh_l0", keys);
        Assert.Contains("projection.bias", keys);
        Assert.Equal(!tie, keys.Contains("projection.weight"));
        Assert.Equal("lstm-lm", ModelFolder.ReadConfig(directory, LanguageModel.Kind, LanguageModel.FormatVersion).Kind);
    }

    [Fact]
    public void ADeterministicCycleIsLearnedAndGreedyGenerationFollowsIt()
    {
        var model = new LanguageModel(new LanguageModelOptions { EmbeddingSize = 32, HiddenSize = 32, MinCount = 1, Epochs = 8, BatchSize = 4, Bptt = 10, Dropout = 0, LearningRate = 3e-2 });
        var curve = model.Fit(Tokens(700), Tokens(140));
        Assert.True(curve.Evaluations[^1].Value < curve.Evaluations[0].Value);
        Assert.InRange(model.Evaluate(Tokens(140)).Perplexity, 1, 1.5);
        // After "the" comes "cat" or "mat"; after "cat", always "sat".
        Assert.Equal(["sat", "on", "the"], model.Generate("the cat", 3, temperature: 0));
    }

    [Fact]
    public void AFolderOfAnotherKindIsRefusedInOneLine()
    {
        var lmDir = Path.Combine(directory, "lm");
        Fitted(tie: true).Save(lmDir);
        var w2vDir = Path.Combine(directory, "w2v");
        new Word2Vec(new Word2VecOptions { Dimensions = 8, MinCount = 1, Epochs = 1 }).Fit(Tokens(300)).Save(w2vDir);
        Assert.Contains("'word2vec'", Assert.Throws<LatentException>(() => LanguageModel.Load(w2vDir)).Message);
        Assert.Contains("'lstm-lm'", Assert.Throws<LatentException>(() => Word2Vec.Load(lmDir)).Message);
        File.WriteAllText(Path.Combine(lmDir, "config.json"), "{ not json");
        Assert.Throws<LatentException>(() => LanguageModel.Load(lmDir));
    }

    [Fact]
    public void Word2VecSaveThenLoadKeepsVectorsVocabularyAndHeldOutLoss()
    {
        var model = new Word2Vec(new Word2VecOptions { Dimensions = 12, MinCount = 1, Epochs = 2, Seed = 9 }).Fit(Tokens(2000));
        model.Save(directory);
        var loaded = Word2Vec.Load(directory);
        Assert.Equal(model.Vectors.Words, loaded.Vectors.Words);
        Assert.Equal(model.Vectors.Matrix.ToArray(), loaded.Vectors.Matrix.ToArray());
        Assert.Equal(model.Vocabulary.Counts, loaded.Vocabulary.Counts);
        Assert.Equal(model.HeldOutLoss(Tokens(200), 3), loaded.HeldOutLoss(Tokens(200), 3));
        Assert.Equal(model.Similar("cat", 3), WordVectors.Read(Path.Combine(directory, "vectors.bin")).MostSimilar("cat", 3));
    }
}
