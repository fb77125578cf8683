using Latent.Text;

namespace Latent.Cli.Commands;

/// <summary>`latent word2vec train|evaluate|similar|analogy`: skip-gram or CBOW vectors on the embedded Brown corpus (or --corpus) and queries on saved vectors.</summary>
public sealed class Word2VecCommand : ICliCommand
{
    /// <inheritdoc />
    public Command Build(ConsoleUi ui) => new("word2vec", "word2vec: skip-gram or CBOW with negative sampling or hierarchical softmax (word2vec.c defaults), and nearest-neighbour / analogy queries.")
    {
        BuildTrain(ui),
        BuildEvaluate(ui),
        Query(ui, "similar", "List the nearest neighbours (cosine) of words.", 10, new("words") { Description = "words to look up", Arity = ArgumentArity.OneOrMore },
            (vectors, words, k) => words.Select(w => (w, vectors.MostSimilar(w, k)))),
        Query(ui, "analogy", "Solve a : b :: c : ? (the words nearest to b − a + c).", 5, new("a b c") { Description = "solve a : b :: c : ? (3CosAdd)", Arity = new ArgumentArity(3, 3) },
            (vectors, w, k) => [($"{w[0]} : {w[1]} :: {w[2]} : ?", vectors.Analogy(w[0], w[1], w[2], k))]),
    };

    private static Command BuildTrain(ConsoleUi ui)
    {
        var (d, common) = (Word2VecOptions.Default, new CommonOptions());
        var corpus = new Option<string?>("--corpus") { Description = "corpus file or folder: plain text (a sentence per line, or free text) or word/tag text (default: embedded Brown corpus)" };
        var keepCase = new Option<bool>("--keep-case") { Description = "do not lowercase the corpus" };
        var dimensions = CliOptions.Int("--dim", d.Dimensions, "vector size");
        var window = CliOptions.Int("--window", d.Window, "maximum context distance");
        var minCount = CliOptions.Int("--min-count", d.MinCount, "drop words seen fewer times");
        var model = CliOptions.Choice("--model", d.Model, "skipgram: each context word predicts the centre word; cbow: the mean of the context words does", Word2VecOptions.Models);
        var loss = CliOptions.Choice("--loss", d.Loss, "negative sampling, or hierarchical softmax along the word's Huffman path", Word2VecOptions.Losses);
        var cbowMean = CliOptions.Choice("--cbow-mean", d.CbowMean ? "1" : "0", "CBOW: 1 averages the context vectors, 0 sums them", "1", "0");
        var maxVocab = CliOptions.OptionalCount<int>("--max-vocab", "keep only the N most frequent words (default: no limit)");
        var negative = CliOptions.Int("--negative", d.Negative, "noise words per prediction (negative sampling)");
        var epochs = CliOptions.Int("--epochs", d.Epochs, "passes over the corpus");
        var threads = CliOptions.Int("--threads", d.Threads, "worker threads (lock-free Hogwild updates)");
        var sample = CliOptions.PositiveDouble("--sample", d.Sample, "frequent-word subsampling threshold");
        var alpha = CliOptions.OptionalPositiveDouble("--alpha", FormattableString.Invariant($"starting learning rate, decaying linearly to alpha·1e-4 (default {Word2VecOptions.CbowAlpha} for cbow, {Word2VecOptions.SkipGramAlpha} for skipgram)"));
        var resume = CommonOptions.Resume("continue a stopped run from the checkpoint in --out (written after every epoch)");
        var command = new Command("train", "Train word vectors; writes the model folder (config.json, model.safetensors, vocabulary.txt, vectors.bin and vectors.txt in word2vec.c / gensim formats)")
            { corpus, keepCase, model, loss, cbowMean, dimensions, window, minCount, maxVocab, negative, epochs, threads, sample, alpha, resume, common.Seed, common.Out, common.NoTensorBoard };
        command.SetAction(result =>
        {
            ui.Info($"reading {result.GetValue(corpus) ?? "the embedded Brown corpus"}");
            var tokens = CorpusTokens.Load(result.GetValue(corpus), ui.Stop);
            var options = d with { Model = result.GetValue(model)!, Loss = result.GetValue(loss)!, CbowMean = result.GetValue(cbowMean) == "1", MaxVocab = result.GetValue(maxVocab),
                Lowercase = !result.GetValue(keepCase), Dimensions = result.GetValue(dimensions), Window = result.GetValue(window), MinCount = result.GetValue(minCount),
                Negative = result.GetValue(negative), Epochs = result.GetValue(epochs), Threads = result.GetValue(threads), Sample = result.GetValue(sample), StartingAlpha = result.GetValue(alpha), Seed = result.GetValue(common.Seed) };
            var outDir = common.ResolveOut(result, "word2vec");
            var checkpoint = Path.Combine(outDir, "checkpoint.bin");
            var log = common.OpenRunLog(result, outDir);
            var trained = ui.Progress(progress => { var bar = progress.AddTask($"{options.Model} with {options.Loss} loss on {tokens.Count:N0} tokens", maxValue: 1.0); return new Word2Vec(options).Fit(tokens, f => bar.Value = f, checkpoint, result.GetValue(resume), ui.Stop, log); });
            ui.Info($"vocabulary {trained.Vocabulary.Count:N0} words, {trained.WordsPerSecond:N0} words/s; nearest to '{trained.Vocabulary.Words[0]}': {string.Join(", ", trained.Similar(trained.Vocabulary.Words[0], 5).Select(n => n.Word))}");
            foreach (var path in trained.Save(outDir).Append(checkpoint).Concat(log is null ? [] : [log.Directory])) ui.Wrote(path);
            return ExitCodes.Success;
        });
        return command;
    }

    private static Command BuildEvaluate(ConsoleUi ui)
    {
        var model = new Option<string>("--model") { Description = "a folder written by 'latent word2vec train', or a word2vec vector file (.bin: binary, otherwise text)", Required = true };
        var pairs = new Option<string?>("--pairs") { Description = "word-pair file, lines 'word1<TAB>word2<TAB>score' (WordSim-353 style): Spearman and Pearson correlation with the cosines" };
        var analogies = new Option<string?>("--analogies") { Description = "analogy file in questions-words format (': section' headers, 'a b c d' lines): 3CosAdd accuracy per section" };
        var command = new Command("evaluate", FormattableString.Invariant($"Score vectors as gensim's evaluate_word_pairs and evaluate_word_analogies do (case-insensitive, the first {WordVectorEvaluation.RestrictVocabulary:N0} words; questions with an unknown word skipped and counted)"))
            { model, pairs, analogies };
        command.SetAction(result =>
        {
            var (pairsFile, analogiesFile) = (result.GetValue(pairs), result.GetValue(analogies));
            if (pairsFile is null && analogiesFile is null) throw new LatentException("give --pairs FILE, --analogies FILE or both");
            var vectors = WordVectors.Read(result.GetValue(model)!);
            if (pairsFile is not null)
            {
                var score = vectors.EvaluateWordPairs(pairsFile);
                ui.Info(string.Create(CultureInfo.InvariantCulture,
                    $"{pairsFile}: spearman {score.Spearman:0.000}, pearson {score.Pearson:0.000}, {score.Pairs} pairs scored, {score.OutOfVocabulary} with an unknown word ({score.OutOfVocabularyShare:0.0%})"));
            }
            if (analogiesFile is not null)
            {
                var score = vectors.EvaluateWordAnalogies(analogiesFile);
                var lines = score.Sections.Select(s => string.Create(CultureInfo.InvariantCulture, $"  {s.Name,-30} {s.Accuracy:0.000} ({s.Correct}/{s.Answered})"))
                    .Prepend($"{analogiesFile}:")
                    .Append(string.Create(CultureInfo.InvariantCulture, $"  {"total",-30} {score.Accuracy:0.000} ({score.Correct}/{score.Answered}); {score.OutOfVocabulary} questions with an unknown word skipped"));
                ui.Info(string.Join('\n', lines));
            }
            return ExitCodes.Success;
        });
        return command;
    }

    /// <summary>A subcommand that reads --vectors and prints, for each heading it returns, a list of words with their cosine similarity.</summary>
    private static Command Query(ConsoleUi ui, string name, string description, int defaultK, Argument<string[]> words,
        Func<WordVectors, string[], int, IEnumerable<(string Heading, IReadOnlyList<(string Word, double Similarity)> Results)>> answer)
    {
        var vectors = new Option<string>("--vectors") { Description = "a folder written by 'latent word2vec train', or a word2vec vector file (.bin: binary, otherwise text)", Required = true };
        var k = CliOptions.Int("--k", defaultK, "words to list");
        var command = new Command(name, description) { vectors, k, words };
        command.SetAction(result =>
        {
            foreach (var (heading, results) in answer(WordVectors.Read(result.GetValue(vectors)!), result.GetValue(words)!, result.GetValue(k)))
                ui.Info(string.Join('\n', results.Select(r => string.Create(CultureInfo.InvariantCulture, $"{r.Word,-20} {r.Similarity:0.000}")).Prepend($"{heading}:")));
            return ExitCodes.Success;
        });
        return command;
    }
}
