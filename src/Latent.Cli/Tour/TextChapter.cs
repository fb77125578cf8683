using Latent.Text;

namespace Latent.Cli.Tour;

/// <summary>The text chapter: word2vec vectors as the input of an LSTM language model, and the answer to "how do I turn the output vector into a one-hot
/// word": an output projection to vocabulary logits, softmax, then sampling — compared with picking the nearest embedding, in perplexity terms.</summary>
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
        var (ui, report) = (context.Ui, context.Report);
        var lmOptions = new LanguageModelOptions { EmbeddingSize = Size, HiddenSize = Size, Dropout = 0.2, MinCount = 3, Lowercase = true, TrainTokens = context.Scaled(300_000, 20_000),
            Epochs = context.Scaled(3), LearningRate = 5e-3, Seed = context.Seed };
        var split = CorpusTokens.LoadSplit(null, lmOptions.ValidationFraction, lmOptions.TestFraction);
        var tokens = split.Train.Concat(split.Validation).Concat(split.Test).ToList();
        var w2v = new Word2Vec(new Word2VecOptions { Dimensions = Size, Epochs = context.Scaled(3), Seed = context.Seed });
        ui.Progress(progress => { var bar = progress.AddTask("word2vec skip-gram (whole Brown corpus)", maxValue: 1.0); w2v.Fit(tokens, f => bar.Value = f); });
        var validation = split.Validation.Take(context.Scaled(10_000, 3_000)).ToList();
        var lm = new LanguageModel(lmOptions);
        var clock = System.Diagnostics.Stopwatch.StartNew();
        var curve = ui.Progress(progress => { var bar = progress.AddTask("LSTM language model (truncated BPTT)", maxValue: 1); return lm.Fit(split.Train, validation, p => (bar.MaxValue, bar.Value) = (p.TotalSteps, p.Step), w2v.Vectors); });
        var fullSeconds = clock.Elapsed.TotalSeconds;
        var (png, csv) = (LanguageModelFigures.Perplexity(curve).SavePng(context.PathFor("perplexity.png")), context.PathFor("lm-curve.csv"));
        curve.WriteCsv(csv);
        foreach (var path in new[] { png, csv }) ui.Wrote(path);
        report.Heading(Title).Paragraph($"The question: word2vec vectors go into a recurrent network; how does its output vector become a word? Setup: skip-gram word2vec (d={Size}, {w2v.Options.Epochs} epochs, " +
            $"{w2v.Options.Threads} threads, {w2v.WordsPerSecond:N0} words/s) on the whole lowercased Brown corpus ({tokens.Count:N0} tokens); then an LSTM language model ({Size} units, embedding initialised " +
            $"from those vectors for {lm.Vocabulary.Words.Count(w2v.Vectors.Contains):N0} of {lm.Vocabulary.Count:N0} words and fine-tuned, tied output projection, dropout {lmOptions.Dropout}, Adam {lmOptions.LearningRate}, batch {lmOptions.BatchSize} × BPTT {lmOptions.Bptt}) " +
            $"on the first {lmOptions.TrainTokens:N0} tokens of the Bengio et al. (2003) training split for {lmOptions.Epochs} epochs, evaluated on the first {validation.Count:N0} validation tokens.")
            .Table(["word", "nearest word2vec neighbours (cosine)"], Probes.Where(w2v.Vectors.Contains).Select(p => (IReadOnlyList<string>)[p, string.Join(", ", w2v.Similar(p, 6).Select(n => $"{n.Word} {F(n.Similarity, "0.00")}"))]))
            .Image(png, $"Training and validation perplexity by epoch (an untrained model scores about the vocabulary size, {lm.Vocabulary.Count:N0}).");
        var (logits, p) = (lm.NextWordLogits(Prompt), lm.NextWordDistribution(Prompt));
        var top = Enumerable.Range(0, p.Length).OrderByDescending(i => p[i]).Take(5).ToList();
        report.Paragraph("**The output step, explicitly.** The LSTM's top layer gives a vector h; a linear map to one score per vocabulary word, a softmax, and a draw give the next word:").Code($"""
            prompt            "{Prompt}"
            logits = W h + b  W: [{lm.Vocabulary.Count}, {Size}] (tied: the embedding matrix), h: [{Size}], b: [{lm.Vocabulary.Count}] → logits: [{logits.Length}]
            p = softmax(logits / T)       Σ p = {F(p.Sum(), "0.000000")}, most likely: "{lm.Vocabulary.Words[top[0]]}" (p = {F(p[top[0]], "0.000")})
            w ~ Categorical(p), T = 0.8   → "{lm.Generate(Prompt, 1, 0.8, 0, context.Seed)[0]}"   (the one-hot word is e_w; feed w back in for the next step)
            """).Table(["next word", "logit", "softmax probability"], top.Select(i => (IReadOnlyList<string>)[lm.Vocabulary.Words[i], F(logits[i], "0.00"), F(p[i], "0.000")]));
        report.Paragraph($"**Generated text** (prompt \"the\"; each word drawn from softmax(logits / T) and fed back in; {Vocabulary.UnknownToken} is never drawn, so that rare words are not all spelled {Vocabulary.UnknownToken}):")
            .Bullets(new (string Label, double T, int K)[] { ("T = 1.0", 1.0, 0), ("T = 0.8, top-k 40", 0.8, 40), ("T = 0.8, top-k 40", 0.8, 40), ("greedy (T → 0)", 0, 0) }
            .Select((s, i) => $"*{s.Label}*: the {string.Join(' ', lm.Generate("the", 25, s.T, s.K, context.Seed + 7 + i))}"));
        var (softmax, own, original) = (lm.Evaluate(validation), lm.EvaluateNearestEmbedding(validation), lm.EvaluateNearestEmbedding(validation, w2v.Vectors));
        report.Paragraph("**Nearest-embedding decoding** (the tempting alternative: return the word whose vector is closest to h) read as a distribution softmax(cos(h, e_w) / τ), best τ of " +
            $"{string.Join(", ", NearestEmbeddingDecoder.TemperatureGrid.Select(t => F(t, "0.##")))} chosen on the same tokens (which flatters it):")
            .Table(["decoder", "validation perplexity", "next-word accuracy"], new (string Name, double Perplexity, double Accuracy)[]
            { ("output projection + softmax (trained)", softmax.Perplexity, softmax.Accuracy), ($"nearest row of the model's embedding (τ = {F(own.Temperature, "0.##")})", own.Perplexity, own.Accuracy),
              ($"nearest original word2vec vector (τ = {F(original.Temperature, "0.##")})", original.Perplexity, original.Accuracy) }.Select(r => (IReadOnlyList<string>)[r.Name, F(r.Perplexity, "0.0"), F(r.Accuracy, "P1")]));
        report.Paragraph($"The softmax head is trained for this job: the logit of word w is e_w·h + b_w, so the length of e_w and the bias b_w (how frequent w is) count as well as the direction; cosine against the same (tied) rows keeps only the direction ({F(own.Perplexity / softmax.Perplexity, "0.00")}× the perplexity). A nearest neighbour gives one word, not a distribution: it cannot be sampled from, and has no perplexity until one invents a temperature for it — which is a softmax again, without the trained scale and bias. The original word2vec vectors live in a different space from h (the LSTM was never asked to output them). Use word2vec for the *input* embedding (a head start for a small-data model) and decode with the output projection + softmax + sampling. Per-step and per-epoch losses: `{Path.GetFileName(csv)}`.");
        AdaptiveSoftmax(context, lmOptions, split.Train, validation, w2v.Vectors, softmax.Perplexity, fullSeconds);
    }

    /// <summary>The same language model with an adaptive softmax (untied, as it needs), timed and scored beside the full softmax above.</summary>
    private static void AdaptiveSoftmax(ChapterContext context, LanguageModelOptions fullOptions, IReadOnlyList<string> train, IReadOnlyList<string> validation, WordVectors vectors,
        double fullPerplexity, double fullSeconds)
    {
        var options = fullOptions with { Softmax = "adaptive", TieWeights = false };
        using var adaptive = new LanguageModel(options);
        var clock = System.Diagnostics.Stopwatch.StartNew();
        context.Ui.Progress(progress => { var bar = progress.AddTask("LSTM language model, adaptive softmax", maxValue: 1); return adaptive.Fit(train, validation, p => (bar.MaxValue, bar.Value) = (p.TotalSteps, p.Step), vectors); });
        var seconds = clock.Elapsed.TotalSeconds;
        var perplexity = adaptive.Evaluate(validation).Perplexity;
        var vocabulary = adaptive.Vocabulary.Count;
        var cutoffs = options.CutoffsFor(vocabulary);
        double tokens = (double)Math.Min(train.Count, options.TrainTokens ?? train.Count) * options.Epochs;
        context.Report.Paragraph($"**Adaptive softmax** (Grave et al. 2017) answers the cost of the output step: a full softmax computes all {vocabulary:N0} logits for every token, while the adaptive one keeps " +
            $"a head of the {cutoffs[0]:N0} most frequent words plus one entry per rarer cluster (cutoffs {string.Join(", ", cutoffs.Select(c => c.ToString("N0", CultureInfo.InvariantCulture)))}), each cluster behind a narrower projection, " +
            "and computes a cluster only for the tokens that fall in it. Its perplexity is still exact: log p(w) = log p(cluster) + log p(w | cluster), normalised over the whole vocabulary, so sampling works as above. " +
            "The same data, epochs and optimizer; the adaptive model has untied output weights (its clusters do not share the embedding's shape):")
            .Table(["output layer", "validation perplexity", "training tokens/s (with per-epoch validation)"], new (string Name, double Perplexity, double Seconds)[]
            { ("full softmax (tied)", fullPerplexity, fullSeconds), ("adaptive softmax (untied)", perplexity, seconds) }
            .Select(r => (IReadOnlyList<string>)[r.Name, F(r.Perplexity, "0.0"), F(tokens / r.Seconds, "N0")]))
            .Paragraph($"Here the adaptive softmax trains {F(fullSeconds / seconds, "0.0")}× as fast at {F(perplexity / fullPerplexity, "0.00")}× the perplexity. `latent lm train --softmax adaptive --untied [--cutoffs 2000,10000]` does the same on your corpus.");
    }

    private static string F(double value, string format) => value.ToString(format, CultureInfo.InvariantCulture);
}
