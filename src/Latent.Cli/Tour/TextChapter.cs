using System.Diagnostics;
using System.Globalization;
using Latent.Cli.Infrastructure;
using Latent.Reporting;
using Latent.Text;
using Latent.Training;
using static TorchSharp.torch;

namespace Latent.Cli.Tour;

/// <summary>
/// The text chapter (seed S6): word2vec vectors as the input of an LSTM language model, and the answer to "how do I turn
/// the output vector into a one-hot word": an output projection to vocabulary logits, softmax, then sampling — compared
/// with picking the nearest embedding, in perplexity terms.
/// </summary>
public sealed class TextChapter : ITourChapter
{
    private const int Size = 64;
    private const string Prompt = "the president of the";
    private static readonly string[] Probes = ["money", "president", "church", "water", "three", "said"];

    /// <inheritdoc />
    public string Name => "text";

    /// <inheritdoc />
    public string Title => "From word2vec inputs to words out: output projection, softmax and sampling in an LSTM language model";

    /// <inheritdoc />
    public void Run(ChapterContext context)
    {
        var ui = context.Ui;
        var tokens = CorpusTokens.Load(null, lowercase: true);
        var split = CorpusTokens.Split(tokens);

        var w2vSettings = new Word2VecSettings { Dimensions = Size, Epochs = context.Scaled(3), Seed = unchecked((ulong)context.Seed) + 1 };
        var clock = Stopwatch.StartNew();
        var word2vec = ui.Progress(progress =>
        {
            var bar = progress.AddTask("word2vec skip-gram (whole Brown corpus)", maxValue: 1.0);
            return Word2Vec.Train(tokens, w2vSettings, new Progress<double>(f => bar.Value = f));
        });
        double w2vSeconds = clock.Elapsed.TotalSeconds;
        var vectors = word2vec.Vectors;

        var train = split.Train.Take(context.Scaled(300_000, 20_000)).ToList();
        var validationTokens = split.Validation.Take(context.Scaled(10_000, 3_000)).ToList();
        var vocabulary = Vocabulary.Build(train, 3, withUnknown: true);
        RunSeed.Apply(context.Seed);
        var model = new LstmLanguageModel(new LstmLanguageModelSettings { VocabularySize = vocabulary.Count, EmbeddingSize = Size, HiddenSize = Size, Dropout = 0.2 }, CPU);
        int initialised = model.InitialiseEmbedding(vocabulary, vectors);
        using var batches = new TokenBatches(vocabulary.Encode(train), 32, 35, CPU);
        using var validation = new TokenBatches(vocabulary.Encode(validationTokens), 10, 35, CPU);
        using var truncated = new TruncatedBptt(model, batches);
        int epochs = context.Scaled(3);
        var options = TruncatedBptt.TrainerOptions(epochs, 1.0, context.Seed) with { EvaluateEverySteps = Math.Max(1, batches.ChunkCount / 2) };
        double initialPerplexity = LanguageModelEvaluation.Perplexity(model, validation);
        clock.Restart();
        var curve = ui.Progress(progress =>
        {
            var bar = progress.AddTask("LSTM language model (truncated BPTT)", maxValue: (double)batches.ChunkCount * epochs);
            var trainer = new Trainer(model, OptimizerSettings.Adam(5e-3), options)
            {
                Evaluate = () => LanguageModelEvaluation.Perplexity(model, validation),
                Progress = p => bar.Value = p.Step,
            };
            return trainer.Fit(batches.ChunkCount, truncated.Loss);
        });
        double lmSeconds = clock.Elapsed.TotalSeconds;

        var chart = new LineChart("LSTM language model: perplexity while training", "epoch", "perplexity") { LogY = true };
        chart.Add("validation", curve.Evaluations.Select(p => p.Epoch).Prepend(0).ToList(), curve.Evaluations.Select(p => p.Value).Prepend(initialPerplexity).ToList());
        chart.Add("train (exp of mean chunk loss)", curve.Epochs.Select(p => p.Epoch).ToList(), curve.Epochs.Select(p => Math.Exp(p.Value)).ToList());
        var png = chart.SavePng(context.PathFor("perplexity.png"));
        var csv = context.PathFor("lm-curve.csv");
        curve.WriteCsv(csv);
        ui.Wrote(png);
        ui.Wrote(csv);

        var report = context.Report;
        report.Heading(Title);
        report.Paragraph($"The question (seed S6): word2vec vectors go into a recurrent network; how does its output vector become a word? " +
            $"Setup: skip-gram word2vec (d={Size}, {w2vSettings.Epochs} epochs, {w2vSettings.Threads} threads) on the whole lowercased Brown corpus ({tokens.Count:N0} tokens) in {w2vSeconds:0.0} s " +
            $"({word2vec.WordsPerSecond:N0} words/s); then an LSTM language model ({Size} units, embedding initialised from those vectors for {initialised:N0} of {vocabulary.Count:N0} words and fine-tuned, tied output projection, dropout 0.2, Adam 5e-3, batch 32 × BPTT 35) " +
            $"on the first {train.Count:N0} tokens of the Bengio et al. (2003) training split for {epochs} epochs ({lmSeconds:0.0} s), evaluated on the first {validationTokens.Count:N0} validation tokens.");
        report.Table(new[] { "word", "nearest word2vec neighbours (cosine)" },
            Probes.Where(vectors.Contains).Select(p => (IReadOnlyList<string>)new[] { p, string.Join(", ", vectors.MostSimilar(p, 6).Select(n => $"{n.Word} {F2(n.Similarity)}")) }));
        report.Image(png, $"Validation perplexity (from {F1(initialPerplexity)} untrained, ≈ the vocabulary size {vocabulary.Count:N0}) and training perplexity by epoch.");

        report.Paragraph("**The output step, explicitly.** The LSTM's top layer gives a vector h; a linear map to one score per vocabulary word, a softmax, and a draw give the next word:");
        report.Code(ExplicitStep(model, vocabulary, context.Seed, out var topWords));
        report.Table(new[] { "next word", "logit", "softmax probability" }, topWords);

        report.Paragraph($"**Generated text** (prompt \"the\"; each word drawn from softmax(logits / T) and fed back in; the {Vocabulary.UnknownToken} logit is set to −∞ so that rare words are not all spelled {Vocabulary.UnknownToken}):");
        using var generator = new Generator(unchecked((ulong)context.Seed) + 7);
        int[] prompt = [vocabulary.IndexOf("the")];
        Tensor WithoutUnknown(Tensor logits) => logits.index_fill(0, tensor(new long[] { vocabulary.IndexOf(Vocabulary.UnknownToken) }), float.NegativeInfinity);
        var samples = new List<string>();
        foreach (var (label, choose) in new (string, Func<Tensor, long>)[]
        {
            ("T = 1.0", l => TokenSampler.Sample(WithoutUnknown(l), 1.0, 0, generator)),
            ("T = 0.8, top-k 40", l => TokenSampler.Sample(WithoutUnknown(l), 0.8, 40, generator)),
            ("T = 0.8, top-k 40", l => TokenSampler.Sample(WithoutUnknown(l), 0.8, 40, generator)),
            ("greedy (T → 0)", l => TokenSampler.Greedy(WithoutUnknown(l))),
        })
            samples.Add($"*{label}*: the {string.Join(' ', TextGenerator.Generate(model, prompt, 25, choose).Select(i => vocabulary.Words[i]))}");
        report.Bullets(samples);

        report.Paragraph("**Nearest-embedding decoding** (the tempting alternative: return the word whose vector is closest to h) read as a distribution softmax(cos(h, e_w) / τ), best τ of " +
            $"{string.Join(", ", NearestEmbeddingDecoder.TemperatureGrid.Select(t => t.ToString(CultureInfo.InvariantCulture)))} chosen on the same tokens (which flatters it):");
        double softmaxPerplexity = LanguageModelEvaluation.Perplexity(model, validation);
        double softmaxAccuracy = LanguageModelEvaluation.Accuracy(model, validation, h => model.Project(h).argmax(-1));
        var rows = new List<IReadOnlyList<string>> { new[] { "output projection + softmax (trained)", F1(softmaxPerplexity), P1(softmaxAccuracy) } };
        var nearest = new List<(double Perplexity, double Accuracy)>();
        using var wordVectorMatrix = tensor(WordVectorRows(vocabulary, vectors), [vocabulary.Count, Size]);
        foreach (var (label, embeddings) in new[] { ("nearest row of the model's embedding", model.EmbeddingWeight), ("nearest original word2vec vector", wordVectorMatrix) })
        {
            using var decoder = new NearestEmbeddingDecoder(embeddings);
            var best = NearestEmbeddingDecoder.TemperatureGrid.Select(t => (T: t, P: LanguageModelEvaluation.Perplexity(model, validation, h => decoder.LogProbabilities(h, t)))).MinBy(r => r.P);
            nearest.Add((best.P, LanguageModelEvaluation.Accuracy(model, validation, decoder.Decode)));
            rows.Add(new[] { $"{label} (τ = {best.T.ToString(CultureInfo.InvariantCulture)})", F1(best.P), P1(nearest[^1].Accuracy) });
        }
        report.Table(new[] { "decoder", "validation perplexity", "next-word accuracy" }, rows);
        report.Bullets(new[]
        {
            $"The softmax head is trained for this job: the logit of word w is e_w·h + b_w, so the length of e_w and the bias b_w (how frequent w is) count as well as the direction. " +
            $"Cosine against the same (tied) rows keeps only the direction: perplexity {F1(nearest[0].Perplexity)} vs {F1(softmaxPerplexity)} ({(nearest[0].Perplexity / softmaxPerplexity).ToString("0.00", CultureInfo.InvariantCulture)}×), " +
            $"next-word accuracy {P1(nearest[0].Accuracy)} vs {P1(softmaxAccuracy)}.",
            "A nearest neighbour gives one word, not a distribution: it cannot be sampled from, cannot say \"either of these\", and has no perplexity until one invents a temperature for it — which is a softmax again, without the trained scale and bias.",
            $"The original word2vec vectors live in a different space from h (the LSTM was never asked to output word2vec vectors): decoding h against them gives perplexity {F1(nearest[1].Perplexity)} and accuracy {P1(nearest[1].Accuracy)}. " +
            "Use word2vec for the *input* embedding (it gives a small-data model a head start) and decode with the output projection + softmax + sampling.",
        });
        report.Paragraph($"Per-step and per-epoch losses: `{Path.GetFileName(csv)}`.");
    }

    /// <summary>Runs the prompt through the model and writes out h → logits → softmax → sample, returning the five most likely next words.</summary>
    private static string ExplicitStep(LstmLanguageModel model, Vocabulary vocabulary, long seed, out List<IReadOnlyList<string>> topWords)
    {
        model.eval();
        using var noGrad = no_grad();
        using var scope = NewDisposeScope();
        var ids = vocabulary.Encode(Prompt.Split(' ')).Select(i => (long)i).ToArray();
        var (hidden, _) = model.Hidden(tensor(ids, [1, ids.Length]), null);
        var h = hidden[0, -1];
        var logits = model.Project(h);
        var probabilities = TokenSampler.Probabilities(logits, 1.0);
        var (values, indices) = probabilities.topk(5);
        topWords = new List<IReadOnlyList<string>>();
        for (int i = 0; i < 5; i++)
        {
            long w = indices[i].item<long>();
            topWords.Add(new[] { vocabulary.Words[(int)w], F2(logits[w].item<float>()), values[i].item<double>().ToString("0.000", CultureInfo.InvariantCulture) });
        }
        using var generator = new Generator(unchecked((ulong)seed) + 3);
        long sampled = TokenSampler.Sample(logits, 0.8, 0, generator);
        return $"""
            prompt            "{Prompt}"
            h = LSTM(...)     shape [{h.shape[0]}], |h| = {F2(h.norm().item<float>())}
            logits = W h + b  W: [{model.OutputWeight.shape[0]}, {model.OutputWeight.shape[1]}] (tied: the embedding matrix), b: [{model.OutputBias.shape[0]}] → logits: [{logits.shape[0]}]
            p = softmax(logits / T)       Σ p = {probabilities.sum().item<double>().ToString("0.000000", CultureInfo.InvariantCulture)}, most likely: "{vocabulary.Words[(int)indices[0].item<long>()]}" (p = {values[0].item<double>().ToString("0.000", CultureInfo.InvariantCulture)})
            w ~ Categorical(p), T = 0.8   → "{vocabulary.Words[(int)sampled]}"   (the one-hot word is e_w; feed w back in for the next step)
            """;
    }

    private static float[] WordVectorRows(Vocabulary vocabulary, WordVectors vectors)
    {
        var rows = new float[vocabulary.Count * vectors.Dimensions];
        for (int w = 0; w < vocabulary.Count; w++)
            if (vectors.Contains(vocabulary.Words[w])) vectors[vocabulary.Words[w]].CopyTo(rows.AsSpan(w * vectors.Dimensions));
        return rows;
    }

    private static string F1(double value) => value.ToString("0.0", CultureInfo.InvariantCulture);

    private static string P1(double value) => value.ToString("P1", CultureInfo.InvariantCulture);

    private static string F2(double value) => value.ToString("0.00", CultureInfo.InvariantCulture);
}
