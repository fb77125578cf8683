using Latent.Cli;
using Latent.Cli.Infrastructure;
using Latent.Data;
using Latent.Gp;
using Latent.Nn;
using Latent.Tests.Vae;
using Latent.Text;
using Latent.Training;
using Latent.Vae;
using static TorchSharp.torch;

namespace Latent.Tests.Training;

/// <summary>
/// Every long phase outside the training loop checks its <see cref="CancellationToken"/>: a cancelled one stops it at the first check
/// with a <see cref="PhaseInterruptedException"/> naming the phase; evaluations done in chunks give the figures of one pass over all
/// examples; the CLI's message and redo command are built from what the user typed.
/// </summary>
public sealed class PhaseInterruptionTests : TorchTest, IDisposable
{
    private readonly string dir = Directory.CreateTempSubdirectory("latent-phase-").FullName;
    private readonly CancellationToken stopped = new(canceled: true);

    public void Dispose() => Directory.Delete(dir, true);

    private void AssertStops(string phase, Action work) => Assert.Equal(phase, Assert.Throws<PhaseInterruptedException>(work).Phase);

    /// <summary>Three Gaussian clusters in 5 dimensions: 20 training and <paramref name="testPerClass"/> test examples per class.</summary>
    private static Dataset Clusters(int testPerClass)
    {
        using var generator = new TorchSharp.torch.Generator(3, CPU);
        var centres = 3 * randn(3, 5, generator: generator);
        DataPart Part(int perClass)
        {
            var labels = arange(0, 3 * perClass, dtype: int64) % 3;
            return new DataPart(centres.index_select(0, labels) + 0.5f * randn(3 * perClass, 5, generator: generator), labels);
        }
        return new Dataset(Part(20), Part(testPerClass), 3, null, "clusters");
    }

    [Fact]
    public void KMeansIwaeElboHeldOutLossCorpusVocabularyAndPerplexityStopAtTheirFirstCheck()
    {
        using var x = rand(40, 6);
        AssertStops("the k-means initialisation of the inducing inputs", () => InducingPoints.KMeans(x, 4, stop: stopped));
        using var vae = TinyModels.Bernoulli(6, 4, 2, seed: 1);
        AssertStops("the IWAE log-likelihood estimate", () => vae.EstimateLogLikelihood(x, 10, stop: stopped));
        AssertStops("the test -ELBO", () => VaeTraining.NegativeElbo(vae, x, stop: stopped));

        string[] cycle = ["the", "cat", "sat", "on", "the", "mat", "."];
        var tokens = Enumerable.Range(0, 200).Select(i => cycle[i % cycle.Length]).ToList();
        var word2vec = new Word2Vec(new Word2VecOptions { Dimensions = 4, MinCount = 1, Epochs = 1, Threads = 1 }).Fit(tokens);
        AssertStops("the held-out loss", () => word2vec.HeldOutLoss(tokens, 1, stopped));
        Assert.Equal(word2vec.HeldOutLoss(tokens, 1), word2vec.HeldOutLoss(tokens, 1, CancellationToken.None));

        var corpus = Path.Combine(dir, "corpus.txt");
        File.WriteAllLines(corpus, ["the cat sat", "on the mat"]);
        AssertStops("reading the corpus", () => CorpusTokens.Load(corpus, stopped));
        AssertStops("building the vocabulary", () => Vocabulary.Build(tokens, 1, withUnknown: true, stop: stopped));
        AssertStops("building the vocabulary", () => new Word2Vec(new Word2VecOptions { MinCount = 1 }).Fit(tokens, stop: stopped));

        using var lm = new LanguageModel(new LanguageModelOptions { EmbeddingSize = 8, HiddenSize = 8, MinCount = 1, Epochs = 1, BatchSize = 4, Bptt = 10, Seed = 5 });
        lm.Fit(tokens, tokens);
        AssertStops("the perplexity evaluation", () => lm.Evaluate(tokens, stopped));
        AssertStops("the perplexity evaluation", () => lm.EvaluateNearestEmbedding(tokens, stop: stopped));
    }

    [Fact]
    public void SvgpAndMlpEvaluateInChunksToTheFiguresOfOnePassAndStopBetweenChunks()
    {
        // 1,350 test examples: three SVGP chunks of 512 and two MLP chunks of 1,024.
        using var data = Clusters(testPerClass: 450);
        using var svgp = new SvgpClassifier(new SvgpClassifierOptions { Inducing = "every:5", Iterations = 5, BatchSize = 30 });
        svgp.Fit(data);
        var (mean, variance) = svgp.PredictF(data.Test.Features);
        var labels = data.Test.Labels!;
        var expected = ClassificationMetrics.Compute(svgp.Model.Likelihood.PredictMeanAndVariance(mean, variance).Mean, labels,
            svgp.Model.Likelihood.PredictLogDensity(mean, variance, labels));
        var chunked = svgp.Evaluate(data.Test);
        Assert.Equal(expected.Accuracy, chunked.Accuracy);
        Assert.Equal(expected.Nlpd, chunked.Nlpd, 10);
        Assert.Equal(expected.Ece, chunked.Ece, 10);
        AssertStops("the test evaluation", () => svgp.Evaluate(data.Test, stopped));

        using var mlp = MlpClassifier.For(data, MlpClassifierOptions.Default with { Hidden = [8], Epochs = 1, BatchSize = 16, Seed = 4 });
        mlp.Fit(data);
        var whole = ClassificationMetrics.Compute(mlp.PredictProba(data.Test.Features), labels);
        var inChunks = mlp.Evaluate(data.Test);
        Assert.Equal(whole.Accuracy, inChunks.Accuracy);
        Assert.Equal(whole.Nlpd, inChunks.Nlpd, 10);
        AssertStops("the test evaluation", () => mlp.Evaluate(data.Test, stopped));
    }

    [Fact]
    public void TheMessageSaysWhatWasKeptAndSkippedAndTheRedoCommandKeepsTheDataOptionsTheTargetTakes()
    {
        var bare = new PhaseInterruptedException("reading the corpus");
        Assert.Equal("interrupted during reading the corpus; nothing was kept", bare.Message);
        Assert.Equal("redo with: latent word2vec train --corpus 'my corpus.txt'", bare.NextStep("latent", ["word2vec", "train", "--corpus", "my corpus.txt"]));

        var figures = new PhaseInterruptedException("the report figures", ["out/samples.png"]).After(["out/model", "out/metrics.json"], "the rest of the report", "latent vae eval --model out/model");
        Assert.Equal("interrupted during the report figures; skipped the rest of the report; kept out/model, out/metrics.json, out/samples.png", figures.Message);
        Assert.Equal("redo with: latent vae eval --model out/model", figures.NextStep("latent", ["vae", "train"]));

        var root = CliApp.BuildRoot(new ConsoleUi());
        var vae = root.Subcommands.Single(c => c.Name == "vae");
        var given = root.Parse(["vae", "train", "--data", "d.csv", "--epochs", "3", "--test-fraction", "0.3", "--iwae-k", "50", "--out", "old"]);
        Assert.Equal("latent vae eval --data d.csv --test-fraction 0.3 --iwae-k 50 --model o/model --out o",
            Interruption.Redo(given, vae.Subcommands.Single(c => c.Name == "eval"), ["vae", "eval"], "--model", "o/model", "--out", "o"));
        Assert.Equal("latent vae train --data d.csv --epochs 3 --test-fraction 0.3 --iwae-k 50 --out old --resume", Interruption.Resume(given, "o"));
        Assert.Equal("latent mlp --epochs 2 --resume --out o", Interruption.Resume(root.Parse(["mlp", "--epochs", "2"]), "o"));
    }
}
