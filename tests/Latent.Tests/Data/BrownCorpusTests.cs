using Latent.Data;

namespace Latent.Tests.Data;

public class BrownCorpusTests
{
    [Fact]
    public void EmbeddedCorpusHasNltksTokenCountAndTheBengioSplit()
    {
        var corpus = BrownCorpus.LoadEmbedded();
        Assert.Equal(1_161_192, corpus.Words.Count());
        Assert.Equal(new TaggedToken("The", "at"), corpus.Sentences[0][0]);
        var split = corpus.BengioSplit();
        Assert.Equal(800_000, split.Train.Count);
        Assert.Equal(200_000, split.Validation.Count);
        Assert.Equal(161_192, split.Test.Count);
        Assert.Equal("Fulton", split.Train[1]);
    }

    [Fact]
    public void TagIsWhatFollowsTheLastSlash()
    {
        var tokens = BrownCorpus.ParseLine("\t1/2/cd and/cc plain");
        Assert.Equal(new[] { new TaggedToken("1/2", "cd"), new TaggedToken("and", "cc"), new TaggedToken("plain", "") }, tokens);
    }

    [Fact]
    public void MissingCorpusIsReported()
    {
        var e = Assert.Throws<LatentException>(() => BrownCorpus.Load("/nonexistent/brown"));
        Assert.Contains("not found", e.Message);
    }
}
