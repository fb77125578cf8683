using System.CommandLine;
using System.Globalization;
using Latent.Cli.Infrastructure;
using Latent.Reporting;
using Latent.Text;

namespace Latent.Cli.Commands;

/// <summary>`latent word2vec train|similar|analogy`: skip-gram vectors on the embedded Brown corpus (or --corpus) and queries on saved vectors.</summary>
public sealed class Word2VecCommand : ICliCommand
{
    /// <inheritdoc />
    public Command Build(ConsoleUi ui)
    {
        var command = new Command("word2vec", "Skip-gram word2vec with negative sampling (word2vec.c defaults), and nearest-neighbour / analogy queries.");
        command.Subcommands.Add(BuildTrain(ui));
        command.Subcommands.Add(Query(ui, "similar", "List the nearest neighbours (cosine) of words.", 10,
            new Argument<string[]>("words") { Description = "words to look up", Arity = ArgumentArity.OneOrMore },
            (vectors, words, k) => words.Select(w => (w, vectors.MostSimilar(w, k)))));
        command.Subcommands.Add(Query(ui, "analogy", "Solve a : b :: c : ? (the words nearest to b − a + c).", 5,
            new Argument<string[]>("a b c") { Description = "solve a : b :: c : ? (3CosAdd)", Arity = new ArgumentArity(3, 3) },
            (vectors, w, k) => [($"{w[0]} : {w[1]} :: {w[2]} : ?", vectors.Analogy(w[0], w[1], w[2], k))]));
        return command;
    }

    private static Command BuildTrain(ConsoleUi ui)
    {
        var d = Word2VecOptions.Default;
        var common = new CommonOptions();
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
        var command = new Command("train", "Train skip-gram vectors; writes the model folder (config.json, model.safetensors, vocabulary.txt, vectors.bin and vectors.txt in word2vec.c / gensim formats) and report.md.");
        foreach (var option in new Option[] { corpus, keepCase, dimensions, window, minCount, negative, epochs, threads, sample, alpha }) command.Options.Add(option);
        common.AddTo(command);
        command.SetAction(result =>
        {
            var outDir = common.ResolveOut(result, "word2vec");
            var tokens = CorpusTokens.Load(result.GetValue(corpus));
            var options = d with
            {
                Lowercase = !result.GetValue(keepCase), Dimensions = result.GetValue(dimensions), Window = result.GetValue(window), MinCount = result.GetValue(minCount),
                Negative = result.GetValue(negative), Epochs = result.GetValue(epochs), Threads = result.GetValue(threads), Sample = result.GetValue(sample),
                StartingAlpha = result.GetValue(alpha), Seed = result.GetValue(common.Seed),
            };
            var model = ui.Progress(progress =>
            {
                var bar = progress.AddTask($"skip-gram on {tokens.Count:N0} tokens", maxValue: 1.0);
                return new Word2Vec(options).Fit(tokens, fraction => bar.Value = fraction);
            });
            var summary = $"Skip-gram with negative sampling on {tokens.Count:N0} tokens ({result.GetValue(corpus) ?? "embedded Brown corpus"}): vocabulary {model.Vocabulary.Count:N0}, " +
                $"d={options.Dimensions}, window {options.Window}, {options.Negative} negatives, sample {options.Sample}, {options.Epochs} epochs on {options.Threads} threads, {model.WordsPerSecond:N0} words/s.";
            ui.Info(summary);
            var probes = model.Vocabulary.Words.Skip(Math.Clamp(model.Vocabulary.Count - 6, 0, 100)).Take(6);
            var rows = probes.Select(p => (IReadOnlyList<string>)[p, string.Join(", ", model.Similar(p, 8).Select(n => $"{n.Word} {n.Similarity.ToString("0.00", CultureInfo.InvariantCulture)}"))]).ToList();
            var report = new ReportDocument(outDir, "Latent: word2vec skip-gram").Paragraph(summary).Table(["word", "nearest neighbours (cosine)"], rows);
            var (markdown, html) = report.Save();
            foreach (var path in model.Save(outDir).Append(markdown).Append(html)) ui.Wrote(path);
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
            {
                ui.Heading(heading);
                foreach (var (word, similarity) in results) ui.Info($"{word,-20} {similarity.ToString("0.000", CultureInfo.InvariantCulture)}");
            }
            return ExitCodes.Success;
        });
        return command;
    }
}
