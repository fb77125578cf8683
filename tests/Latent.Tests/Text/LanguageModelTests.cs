using Latent.Text;
using Latent.Training;
using TorchSharp;
using static TorchSharp.torch;

namespace Latent.Tests.Text;

public class LanguageModelTests : TorchTest
{
    private static LstmLanguageModel Model(int vocabularySize, bool tie = true, double dropout = 0)
    {
        manual_seed(3);
        return new LstmLanguageModel(vocabularySize, new LanguageModelOptions { EmbeddingSize = 16, HiddenSize = 16, Dropout = dropout, TieWeights = tie }, CPU);
    }

    private static LearningCurve Fit(LstmLanguageModel model, TokenBatches batches, int epochs, double learningRate)
    {
        using var bptt = new TruncatedBptt(model, batches);
        var trainer = new Trainer(model, OptimizerSettings.Adam(learningRate), TruncatedBptt.TrainerOptions(epochs, 1.0, 0));
        return trainer.Fit(batches.ChunkCount, bptt.Loss);
    }

    [Fact]
    public void PerplexityOfAUniformModelEqualsTheVocabularySize()
    {
        const int v = 37;
        var model = Model(v, tie: false);
        using (no_grad())
        {
            model.OutputWeight.zero_();
            model.OutputBias.zero_();
        }
        var random = new Random(5);
        using var batches = new TokenBatches(Enumerable.Range(0, 500).Select(_ => random.Next(v)).ToList(), 4, 7, CPU);
        Assert.InRange(LanguageModelEvaluation.Perplexity(model, batches), v * (1 - 1e-6), v * (1 + 1e-6));
    }

    [Fact]
    public void PerplexityIsTheExponentialOfTheMeanCrossEntropyComputedByHand()
    {
        const int v = 11;
        var model = Model(v, dropout: 0.5);
        var tokens = new[] { 1, 4, 2, 9, 9, 3, 0, 7, 5, 1, 10, 2, 6 };
        using var batches = new TokenBatches(tokens, 1, 5, CPU);
        double perplexity = LanguageModelEvaluation.Perplexity(model, batches);

        model.eval();
        using var noGrad = no_grad();
        var (logits, _) = model.forward(tensor(tokens.Select(t => (long)t).ToArray()[..^1], [1, tokens.Length - 1]), null);
        var rows = logits.squeeze(0).to(ScalarType.Float64).data<double>().ToArray();
        double nll = 0;
        for (int t = 0; t < tokens.Length - 1; t++)
        {
            var row = rows.AsSpan(t * v, v);
            double max = double.NegativeInfinity;
            foreach (var x in row) max = Math.Max(max, x);
            double sum = 0;
            foreach (var x in row) sum += Math.Exp(x - max);
            nll -= row[tokens[t + 1]] - max - Math.Log(sum);
        }
        Assert.Equal(Math.Exp(nll / (tokens.Length - 1)), perplexity, 4);
    }

    [Fact]
    public void TrainingLossDecreasesOnATinyCorpus()
    {
        const int v = 12;
        var tokens = Enumerable.Range(0, 400).Select(i => (i * 7 + i / 12) % v).ToList();
        var model = Model(v);
        using var batches = new TokenBatches(tokens, 4, 25, CPU);
        var curve = Fit(model, batches, 6, 3e-2);
        Assert.Equal(6, curve.Epochs.Count);
        double first = curve.Epochs[0].Value, last = curve.Epochs[^1].Value;
        Assert.True(last < 0.5 * first, $"loss went from {first} to {last}");
        Assert.True(LanguageModelEvaluation.Perplexity(model, batches) < 3, "a deterministic sequence should become predictable");
    }

    [Fact]
    public void TruncatedBpttChunksCoverEveryTargetOnce()
    {
        var tokens = Enumerable.Range(0, 23).ToList();
        using var batches = new TokenBatches(tokens, 2, 4, CPU);
        var targets = new List<long>();
        long counted = 0;
        for (int i = 0; i < batches.ChunkCount; i++)
        {
            var (input, target) = batches.Chunk(i);
            Assert.Equal(input.shape, target.shape);
            Assert.Equal(input.data<long>().Select(x => x + 1).ToArray(), target.data<long>().ToArray());
            targets.AddRange(target.data<long>().ToArray());
            counted += batches.ChunkTokens(i);
        }
        var expected = Enumerable.Range(1, 10).Concat(Enumerable.Range(12, 10)).Select(x => (long)x).Order();
        Assert.Equal(expected, targets.Order());
        Assert.Equal(20, counted);
        Assert.Equal(20, batches.Tokens);
    }

    [Fact]
    public void FrozenTiedEmbeddingDoesNotChangeAndInitialisesFromWordVectors()
    {
        var vocabulary = Vocabulary.Build(["a", "b", "b", "c", "c", "c"], 1, withUnknown: true);
        var data = Enumerable.Range(0, 2 * 16).Select(i => i / 10f).ToArray();
        var vectors = new WordVectors(["c", "a"], 16, data);
        manual_seed(3);
        var model = new LstmLanguageModel(vocabulary.Count, new LanguageModelOptions { EmbeddingSize = 16, HiddenSize = 16, FreezeEmbedding = true }, CPU);
        Assert.Equal(2, model.InitialiseEmbedding(vocabulary, vectors));
        var before = model.EmbeddingWeight.clone();
        Assert.Equal(data[..16], before[vocabulary.IndexOf("c")].data<float>().ToArray());
        Assert.Equal(data[16..], before[vocabulary.IndexOf("a")].data<float>().ToArray());
        var lstmBefore = model.parameters().First(p => p.requires_grad).clone();
        using var batches = new TokenBatches([1, 2, 3, 3, 2, 1, 0, 3, 2, 1], 2, 3, CPU);
        Fit(model, batches, 1, 1e-2);
        Assert.False(lstmBefore.allclose(model.parameters().First(p => p.requires_grad)), "the LSTM should still train");
        Assert.Equal(before.data<float>().ToArray(), model.EmbeddingWeight.data<float>().ToArray());
    }

    [Fact]
    public void BadInputRaisesLatentException()
    {
        Assert.Throws<LatentException>(() => new LanguageModelOptions { EmbeddingSize = 8, HiddenSize = 16 }.Validate());
        Assert.Throws<LatentException>(() => Model(5).forward(zeros(2, 3), null));
        Assert.Throws<LatentException>(() => new TokenBatches([1, 2, 3], 4, 2, CPU));
    }

    [Fact]
    public void GreedyGenerationFeedsBackTheArgmaxOfEachStep()
    {
        var model = Model(9, dropout: 0.5);
        var generated = TextGenerator.Generate(model, [2, 5], 4, TokenSampler.Greedy);
        var sequence = new List<long> { 2, 5 };
        using var noGrad = no_grad();
        foreach (var word in generated)
        {
            var (logits, _) = model.forward(tensor(sequence.ToArray(), [1, sequence.Count]), null);
            Assert.Equal(logits[0, -1].argmax().item<long>(), word);
            sequence.Add(word);
        }
    }

    [Fact]
    public void AccuracyCountsMatchingPredictions()
    {
        var model = Model(6);
        using var batches = new TokenBatches([0, 1, 2, 3, 4, 5, 0, 1, 2], 1, 4, CPU);
        int chunk = 0;
        Assert.Equal(1.0, LanguageModelEvaluation.Accuracy(model, batches, _ => batches.Chunk(chunk++).Target));
        // Targets are 1 2 3 4 | 5 0 1 2: always answering 1 is right twice out of eight.
        Assert.Equal(0.25, LanguageModelEvaluation.Accuracy(model, batches, h => full(h.shape[0], h.shape[1], 1L)));
    }
}
