using Latent.IO;
using Latent.Text;

namespace Latent.Tests.Text;

/// <summary>The four word2vec modes (skip-gram or CBOW, negative sampling or hierarchical softmax) and their parts.</summary>
public sealed class Word2VecModesTests : IDisposable
{
    private readonly string directory = Directory.CreateTempSubdirectory("latent-w2v-modes-").FullName;

    public void Dispose() => Directory.Delete(directory, recursive: true);

    /// <summary>Two topics whose words never share a window: every mode must place each topic's words together.</summary>
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
    public void HuffmanTreeMatchesWord2VecCsCreateBinaryTreeByHand()
    {
        // Counts 5, 3, 2, 1. Merges: (1, 2) → node 4 of count 3 (word 2 takes branch 1); the tie 3 = 3 takes the inner node first:
        // (node 4, word 1) → node 5 of count 6 (word 1 on 1); (word 0, node 5) → root 6 (node 5 on 1). Inner nodes are numbered
        // node − V: root 2, node 5 → 1, node 4 → 0.
        var tree = new HuffmanTree([5, 3, 2, 1]);
        Assert.Equal(3, tree.InnerNodes);
        Assert.Equal(new byte[] { 0 }, tree.Codes(0).ToArray());
        Assert.Equal(new[] { 2 }, tree.Points(0).ToArray());
        Assert.Equal(new byte[] { 1, 1 }, tree.Codes(1).ToArray());
        Assert.Equal(new[] { 2, 1 }, tree.Points(1).ToArray());
        Assert.Equal(new byte[] { 1, 0, 1 }, tree.Codes(2).ToArray());
        Assert.Equal(new[] { 2, 1, 0 }, tree.Points(2).ToArray());
        Assert.Equal(new byte[] { 1, 0, 0 }, tree.Codes(3).ToArray());
        Assert.Equal(new[] { 2, 1, 0 }, tree.Points(3).ToArray());
        Assert.Equal(0, new HuffmanTree([7]).Codes(0).Length);
        Assert.Throws<LatentException>(() => new HuffmanTree([1, 2]));
    }

    [Fact]
    public void HierarchicalSoftmaxSumsToOneAndStepsAgainstTheFiniteDifferenceGradient()
    {
        const int dimensions = 6;
        int stride = VectorMath.PaddedStride(dimensions);
        var tree = new HuffmanTree([5, 3, 2, 1]);
        var random = new Random(5);
        var hidden = new float[stride];
        var nodes = new float[tree.InnerNodes * stride];
        for (int i = 0; i < dimensions; i++) hidden[i] = (float)(random.NextDouble() - 0.5);
        for (int n = 0; n < tree.InnerNodes; n++) for (int i = 0; i < dimensions; i++) nodes[n * stride + i] = (float)(random.NextDouble() - 0.5);
        double total = Enumerable.Range(0, 4).Sum(w => Math.Exp(-HierarchicalSoftmax.Loss(hidden, 0, nodes, tree, w, stride)));
        Assert.Equal(1.0, total, 12);

        // Word 2: branches 1, 0, 1 at nodes 2, 1, 0, so L = −log σ(−h·u₂) − log σ(h·u₁) − log σ(−h·u₀), written out in double.
        double[] h = hidden[..dimensions].Select(x => (double)x).ToArray();
        double[][] u = Enumerable.Range(0, 3).Select(n => nodes.AsSpan(n * stride, dimensions).ToArray().Select(x => (double)x).ToArray()).ToArray();
        (int Node, double Sign)[] path = [(2, -1), (1, 1), (0, -1)];
        double LossByHand() => path.Sum(p => Math.Log(1 + Math.Exp(-p.Sign * h.Zip(u[p.Node], (a, b) => a * b).Sum())));
        Assert.Equal(LossByHand(), HierarchicalSoftmax.Loss(hidden, 0, nodes, tree, 2, stride), 9);
        double FiniteDifference(double[] x, int i)
        {
            x[i] += 1e-6;
            double plus = LossByHand();
            x[i] -= 2e-6;
            double minus = LossByHand();
            x[i] += 1e-6;
            return (plus - minus) / 2e-6;
        }
        var hiddenGradient = Enumerable.Range(0, dimensions).Select(i => FiniteDifference(h, i)).ToArray();
        var nodeGradients = u.Select(row => Enumerable.Range(0, dimensions).Select(i => FiniteDifference(row, i)).ToArray()).ToArray();

        const float rate = 1e-3f;
        var before = (float[])nodes.Clone();
        var step = new float[stride];
        HierarchicalSoftmax.Accumulate(hidden, 0, new OutputRows(nodes, stride), tree, 2, stride, rate, step);
        // word2vec.c's σ table is off by up to ~0.003 per node; the tolerance allows for it.
        for (int i = 0; i < dimensions; i++) Assert.Equal(-hiddenGradient[i], step[i] / rate, 0.01);
        for (int n = 0; n < 3; n++)
            for (int i = 0; i < dimensions; i++) Assert.Equal(-nodeGradients[n][i], (nodes[n * stride + i] - before[n * stride + i]) / rate, 0.01);
    }

    [Theory]
    [InlineData("skipgram", "negative", true, 3, 0.8)]
    [InlineData("skipgram", "hierarchical", true, 3, 0.97)]
    [InlineData("cbow", "negative", true, 3, 0.8)]
    [InlineData("cbow", "hierarchical", true, 3, 0.8)]
    [InlineData("cbow", "negative", false, 3, 0.85)]
    public void EveryModeGroupsWordsThatShareContexts(string model, string loss, bool cbowMean, int epochs, double share)
    {
        // One thread: Hogwild's interleaving would make the figures vary from run to run.
        var options = new Word2VecOptions { Model = model, Loss = loss, CbowMean = cbowMean, Dimensions = 16, Epochs = epochs, Sample = 0, Threads = 1, MaxSentenceLength = 30 };
        var trained = new Word2Vec(options).Fit(TopicCorpus());
        var vectors = trained.Vectors;
        Assert.Equal(new HashSet<string> { "dog", "pet", "fur", "paw" }, vectors.MostSimilar("cat", 4).Select(n => n.Word).ToHashSet());
        // Summed contexts give every vector one large shared direction (all cosines near 1), so there only the neighbours' order is checked.
        if (cbowMean) Assert.True(vectors.Cosine("car", "road") > vectors.Cosine("car", "dog") + 0.3, $"cos(car, road) {vectors.Cosine("car", "road")}, cos(car, dog) {vectors.Cosine("car", "dog")}");
        // An uninformed model scores every binary decision ln 2: 1 + Negative of them per prediction, or the target's path length.
        // The best possible is ln 5 per prediction for hierarchical softmax (a uniform guess within the topic), 0.68 of the uninformed
        // loss; skip-gram with it learns slowest here (a line-by-line NumPy transcription of word2vec.c's loop also stops near 0.95).
        var heldOut = TopicCorpus().Take(3000).ToList();
        double uninformed = options.OutputLoss == Word2VecLoss.NegativeSampling
            ? (1 + options.Negative) * Math.Log(2)
            : heldOut.Average(w => trained.Tree.Codes(trained.Vocabulary.IndexOf(w)).Length) * Math.Log(2);
        double actual = trained.HeldOutLoss(heldOut, 3);
        Assert.True(actual < share * uninformed, $"held-out loss {actual} is not below {share} × an uninformed model's {uninformed}");
    }

    [Theory]
    [InlineData("negative", true)]
    [InlineData("hierarchical", false)]
    public void CbowHeldOutLossMatchesTheWindowAverageOrSumScoredByHand(string loss, bool mean)
    {
        var options = new Word2VecOptions { Model = "cbow", Loss = loss, CbowMean = mean, Dimensions = 6, Epochs = 1, MinCount = 1, Threads = 1, Window = 2 };
        var model = new Word2Vec(options).Fit(TopicCorpus());
        string[] text = ["cat", "dog", "zebra", "car", "pet", "road"];
        int d = options.Dimensions;
        var input = model.Vectors;
        var output = model.OutputWeights;
        // "zebra" is unknown and dropped first; then every position predicts its word from the up to 2 + 2 words around it.
        var corpus = text.Where(model.Vocabulary.Contains).Select(model.Vocabulary.IndexOf).ToArray();
        var random = new LinearCongruentialRandom(11);
        double total = 0;
        for (int p = 0; p < corpus.Length; p++)
        {
            var context = Enumerable.Range(p - 2, 5).Where(c => c >= 0 && c < corpus.Length && c != p).ToArray();
            var h = new double[d];
            foreach (int c in context)
                for (int i = 0; i < d; i++) h[i] += input[model.Vocabulary.Words[corpus[c]]][i] / (mean ? context.Length : 1.0);
            double Score(int row) => Enumerable.Range(0, d).Sum(i => h[i] * output[row * d + i]);
            double LogSigmoid(double x) => -Math.Log(1 + Math.Exp(-x));
            if (loss == "negative")
            {
                total -= LogSigmoid(Score(corpus[p]));
                for (int k = 0; k < options.Negative; k++)
                {
                    int noise = model.NoiseDistribution.Sample(ref random);
                    if (noise != corpus[p]) total -= LogSigmoid(-Score(noise));
                }
            }
            else
            {
                var codes = model.Tree.Codes(corpus[p]).ToArray();
                var points = model.Tree.Points(corpus[p]).ToArray();
                for (int n = 0; n < codes.Length; n++) total -= LogSigmoid(codes[n] == 0 ? Score(points[n]) : -Score(points[n]));
            }
        }
        Assert.Equal(total / corpus.Length, model.HeldOutLoss(text, 11), 5);
    }

    [Fact]
    public void HierarchicalCbowSavesTheTreeWeightsUnderTheirRoleAndLoadsBack()
    {
        var options = new Word2VecOptions { Model = "cbow", Loss = "hierarchical", Dimensions = 8, Epochs = 1, MinCount = 1, Threads = 1 };
        var trained = new Word2Vec(options).Fit(TopicCorpus());
        var folder = Path.Combine(directory, "cbow-hs");
        trained.Save(folder);
        var shapes = ModelFolder.ReadWeightShapes(folder);
        Assert.Equal(new long[] { 10, 8 }, shapes["input_embedding.weight"]);
        Assert.Equal(new long[] { 9, 8 }, shapes["huffman_node.weight"]);
        Assert.False(shapes.ContainsKey("output_embedding.weight"));
        var loaded = Word2Vec.Load(folder);
        Assert.Equal("cbow", loaded.Options.Model);
        Assert.Equal(trained.OutputWeights, loaded.OutputWeights);
        Assert.Equal(trained.HeldOutLoss(TopicCorpus().Take(500), 1), loaded.HeldOutLoss(TopicCorpus().Take(500), 1));
        Assert.Equal(trained.Vectors.Matrix.ToArray(), WordVectors.Load(Path.Combine(folder, Word2Vec.BinaryVectorsFile), WordVectorFormat.Binary).Matrix.ToArray());
        Assert.Throws<LatentException>(() => loaded.OutputVectors);
    }

    [Fact]
    public void OptionsPickTheLearningRateByModelAndCapTheVocabulary()
    {
        Assert.Equal(0.025, new Word2VecOptions().Alpha);
        Assert.Equal(0.05, new Word2VecOptions { Model = "cbow" }.Alpha);
        Assert.Equal(0.01, new Word2VecOptions { Model = "cbow", StartingAlpha = 0.01 }.Alpha);
        var error = Assert.Throws<LatentException>(() => new Word2Vec(new Word2VecOptions { Model = "glove" })).Message;
        Assert.Equal("unknown word2vec model 'glove'; choose one of skipgram, cbow", error);
        Assert.Throws<LatentException>(() => new Word2Vec(new Word2VecOptions { Loss = "softmax" }));
        Assert.Throws<LatentException>(() => new Word2Vec(new Word2VecOptions { MaxVocab = 0 }));

        string[] tokens = ["a", "b", "a", "c", "b", "a", "d", "c", "e"];
        var capped = Vocabulary.Build(tokens, 1, withUnknown: false, maxWords: 3);
        Assert.Equal(new[] { "a", "b", "c" }, capped.Words);
        var withUnknown = Vocabulary.Build(tokens, 1, withUnknown: true, maxWords: 2);
        Assert.Equal(new[] { Vocabulary.UnknownToken, "a", "b" }, withUnknown.Words);
        Assert.Equal(new long[] { 4, 3, 2 }, withUnknown.Counts);
        var model = new Word2Vec(new Word2VecOptions { MaxVocab = 4, MinCount = 1, Dimensions = 4, Epochs = 1 }).Fit(TopicCorpus());
        Assert.Equal(4, model.Vocabulary.Count);
    }
}
