using System.CommandLine;
using System.Globalization;
using Latent.Cli.Infrastructure;
using Latent.Text;

namespace Latent.Cli.Commands;

/// <summary>`latent word2vec train|similar|analogy`: skip-gram vectors on the embedded Brown corpus (or --corpus) and queries on saved vectors.</summary>
public sealed class Word2VecCommand : ICliCommand
{
    /// <inheritdoc />
    public Command Build(ConsoleUi ui) => new("word2vec", "Skip-gram word2vec with negative sampling (word2vec.c defaults), and nearest-neighbour / analogy queries.")
    {
        BuildTrain(ui),
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
        var negative = CliOptions.Int("--negative", d.Negative, "negative samples per pair");
        var epochs = CliOptions.Int("--epochs", d.Epochs, "passes over the corpus");
        var threads = CliOptions.Int("--threads", d.Threads, "worker threads (lock-free Hogwild updates)");
        var sample = CliOptions.PositiveDouble("--sample", d.Sample, "frequent-word subsampling threshold");
        var alpha = CliOptions.PositiveDouble("--alpha", d.StartingAlpha, "starting learning rate (decays linearly to alpha·1e-4)");
        var resume = CommonOptions.Resume("continue a stopped run from the checkpoint in --out (written after every epoch)");
        var command = new Command("train", "Train skip-gram vectors; writes the model folder (config.json, model.safetensors, vocabulary.txt, vectors.bin and vectors.txt in word2vec.c / gensim formats)")
            { corpus, keepCase, dimensions, window, minCount, negative, epochs, threads, sample, alpha, resume, common.Seed, common.Out, common.NoTensorBoard };
        command.SetAction(result =>
        {
            var tokens = CorpusTokens.Load(result.GetValue(corpus));
            var options = d with { Lowercase = !result.GetValue(keepCase), Dimensions = result.GetValue(dimensions), Window = result.GetValue(window), MinCount = result.GetValue(minCount),
                Negative = result.GetValue(negative), Epochs = result.GetValue(epochs), Threads = result.GetValue(threads), Sample = result.GetValue(sample), StartingAlpha = result.GetValue(alpha), Seed = result.GetValue(common.Seed) };
            var outDir = common.ResolveOut(result, "word2vec");
            var checkpoint = Path.Combine(outDir, "checkpoint.bin");
            var log = common.OpenRunLog(result, outDir);
            var model = ui.Progress(progress => { var bar = progress.AddTask($"skip-gram on {tokens.Count:N0} tokens", maxValue: 1.0); return new Word2Vec(options).Fit(tokens, f => bar.Value = f, checkpoint, result.GetValue(resume), ui.Stop, log); });
            ui.Info($"vocabulary {model.Vocabulary.Count:N0} words, {model.WordsPerSecond:N0} words/s; nearest to '{model.Vocabulary.Words[0]}': {string.Join(", ", model.Similar(model.Vocabulary.Words[0], 5).Select(n => n.Word))}");
            foreach (var path in model.Save(outDir).Append(checkpoint).Concat(log is null ? [] : [log.Directory])) ui.Wrote(path);
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
