using Latent.Tests.Training;
using Latent.Text;
using Latent.Training;

namespace Latent.Tests.Text;

public class Word2VecTests
{
    /// <summary>Two topics whose words never share a sentence-window: a skip-gram model must place each topic's words together.</summary>
    private static List<string> TopicCorpus()
    {
        string[][] topics = [["cat", "dog", "pet", "fur", "paw"], ["car", "road", "wheel", "engine", "fuel"]];
        var random = new Random(8);
        var tokens = new List<string>();
        for (int block = 0; block < 400; block++)
        {
            var topic = topics[block % 2];
            for (int i = 0; i < 30; i++) tokens.Add(topic[random.Next(topic.Length)]);
        }
        return tokens;
    }

    [Fact]
    public void SkipGramGroupsWordsThatShareContexts()
    {
        var model = new Word2Vec(new Word2VecOptions { Dimensions = 16, Epochs = 3, Sample = 0, Threads = 2, MaxSentenceLength = 30 }).Fit(TopicCorpus());
        var vectors = model.Vectors;
        Assert.Equal(10, vectors.Count);
        var neighbours = vectors.MostSimilar("cat", 4).Select(n => n.Word).ToHashSet();
        Assert.Equal(new HashSet<string> { "dog", "pet", "fur", "paw" }, neighbours);
        Assert.True(vectors.Cosine("car", "road") > vectors.Cosine("car", "dog") + 0.3);
        double trained = model.HeldOutLoss(TopicCorpus().Take(3000), 3);
        Assert.True(trained < 0.8 * 6 * Math.Log(2), $"held-out loss {trained} is not below a random model's");
    }

    [Theory]
    [InlineData("skipgram", "negative")]
    [InlineData("cbow", "hierarchical")]
    public void TheRunLogScoresEachEpochOnTheWeightsAsTheyStoodAtItsEnd(string architecture, string loss)
    {
        var directory = Directory.CreateTempSubdirectory("latent-w2v-log-").FullName;
        try
        {
            var options = new Word2VecOptions { Model = architecture, Loss = loss, Dimensions = 16, Epochs = 2, Sample = 0, Threads = 1, MaxSentenceLength = 30, Seed = 5 };
            var tokens = TopicCorpus();
            var log = RunLog.Open(directory, RunLogOptions.Default)!;
            var model = new Word2Vec(options).Fit(tokens, checkpointPath: Path.Combine(directory, "checkpoint.bin"), log: log);
            var scalars = TensorBoardEvents.ReadDirectory(log.Directory);
            var losses = scalars.Where(s => s.Tag == "train/loss").ToList();
            Assert.Equal([1L, 2L], losses.Select(s => s.Step));
            Assert.Equal([1L, 2L], scalars.Where(s => s.Tag == "train/words_per_second").Select(s => s.Step));
            // Scored while the next epoch trains on, from the copy taken at the epoch's end: the last one is the trained model's own loss.
            Assert.Equal((float)model.HeldOutLoss(tokens.Take(Word2Vec.LoggedLossTokens), 6), losses[1].Value);
            Assert.True(losses[1].Value < losses[0].Value, $"the loss went from {losses[0].Value} to {losses[1].Value}");
            var resumed = new Word2Vec(options).Fit(tokens, checkpointPath: Path.Combine(directory, "checkpoint.bin"), resume: true);
            Assert.Equal(model.Vectors.Matrix.ToArray(), resumed.Vectors.Matrix.ToArray());
        }
        finally
        {
            Directory.Delete(directory, recursive: true);
        }
    }

    [Fact]
    public void CosineMostSimilarAndAnalogyMatchHandComputedValues()
    {
        var vectors = new WordVectors(["a", "b", "c", "d", "e"], 2, [1, 0, 1, 1, 0, 1, 0, 2, -1, 0]);
        Assert.Equal(1 / Math.Sqrt(2), vectors.Cosine("a", "b"), 6);
        Assert.Equal(0.0, vectors.Cosine("a", "c"), 6);
        var nearest = vectors.MostSimilar("c", 2);
        Assert.Equal("d", nearest[0].Word);
        Assert.Equal(1.0, nearest[0].Similarity, 6);
        Assert.Equal("b", nearest[1].Word);
        // a : c :: e : ?   query = unit(c) − unit(a) + unit(e) = (−2, 1); the nearest of b, d is d (cos 1/√5) over b (cos −1/√10).
        var analogy = vectors.Analogy("a", "c", "e", 1);
        Assert.Equal("d", analogy[0].Word);
        Assert.Equal(1 / Math.Sqrt(5), analogy[0].Similarity, 5);
        Assert.Throws<LatentException>(() => vectors.MostSimilar("zebra", 3));
    }

    [Fact]
    public void VocabularyCountsDropsOrMergesRareWordsAndRoundTrips()
    {
        string[] tokens = ["the", "cat", "the", "dog", "the", "cat", "emu"];
        var plain = Vocabulary.Build(tokens, 2, withUnknown: false);
        Assert.Equal(new[] { "the", "cat" }, plain.Words);
        Assert.Equal(new long[] { 3, 2 }, plain.Counts);
        Assert.Equal(new[] { 0, 1, 0, 0, 1 }, plain.Encode(tokens));
        var withUnknown = Vocabulary.Build(tokens, 2, withUnknown: true);
        Assert.Equal(new[] { Vocabulary.UnknownToken, "the", "cat" }, withUnknown.Words);
        Assert.Equal(new long[] { 2, 3, 2 }, withUnknown.Counts);
        Assert.Equal(0, withUnknown.IndexOf("zebra"));
        var path = Path.GetTempFileName();
        try
        {
            withUnknown.Save(path);
            Assert.Equal($"{Vocabulary.UnknownToken} 2\nthe 3\ncat 2\n", File.ReadAllText(path));
            var loaded = Vocabulary.Load(path);
            Assert.True(loaded.HasUnknown);
            Assert.Equal(withUnknown.Words, loaded.Words);
            Assert.Equal(withUnknown.Counts, loaded.Counts);
            File.WriteAllText(path, "the three\n");
            Assert.Throws<LatentException>(() => Vocabulary.Load(path));
        }
        finally
        {
            File.Delete(path);
        }
    }

    [Fact]
    public void TokenizerSplitsWordsAndPunctuation()
    {
        Assert.Equal(new[] { "it's", "a", "well-known", "fact", ",", "isn't", "it", "?" }, Tokenizer.Tokenize("It's a well-known fact, isn't it?", lowercase: true));
        Assert.Equal(new[] { "ünïcode42", "ΑΒΓ", "x2", "." }, Tokenizer.Tokenize("Ünïcode42 ΑΒΓ x2.", lowercase: false).Select((t, i) => i == 0 ? t.ToLowerInvariant() : t));
        Assert.Equal(new[] { "ünïcode42" }, Tokenizer.Tokenize("Ünïcode42", lowercase: true));
    }

    [Fact]
    public void InvalidSettingsRaiseLatentException()
    {
        Assert.Throws<LatentException>(() => new Word2Vec(new Word2VecOptions { Window = 0 }));
        Assert.Throws<LatentException>(() => new Word2Vec(new Word2VecOptions()).Fit(["a", "b"]));
    }
}
