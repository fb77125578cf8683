using System.CommandLine;
using System.Globalization;
using Latent.Cli.Infrastructure;
using Latent.Reporting;
using Latent.Text;

namespace Latent.Cli.Commands;

/// <summary>`latent word2vec train|similar|analogy`: skip-gram vectors on the embedded Brown corpus (or --corpus) and queries on saved vectors.</summary>
public sealed class Word2VecCommand : ICliCommand
{
    private static readonly string[] Probes = ["money", "president", "church", "water", "war", "three"];

    /// <inheritdoc />
    public Command Build(ConsoleUi ui)
    {
        var command = new Command("word2vec", "Skip-gram word2vec with negative sampling (word2vec.c defaults), and nearest-neighbour / analogy queries.");
        command.Subcommands.Add(BuildTrain(ui));
        command.Subcommands.Add(BuildSimilar(ui));
        command.Subcommands.Add(BuildAnalogy(ui));
        return command;
    }

    /// <summary>The vector file format implied by the extension: .bin is binary, anything else text.</summary>
    private static WordVectorFormat FormatOf(string path) =>
        Path.GetExtension(path).Equals(".bin", StringComparison.OrdinalIgnoreCase) ? WordVectorFormat.Binary : WordVectorFormat.Text;

    private static Option<string?> CorpusOption() => new("--corpus") { Description = "corpus file or directory, tagged (word/tag) or plain text (default: embedded Brown corpus)" };

    private static Option<string> VectorsOption() => new("--vectors") { Description = "word2vec vector file (.bin: binary, otherwise text)", Required = true };

    private static Command BuildTrain(ConsoleUi ui)
    {
        var common = new CommonOptions();
        var corpus = CorpusOption();
        var keepCase = new Option<bool>("--keep-case") { Description = "do not lowercase the corpus" };
        var dimensions = CliOptions.Int("--dim", 100, "vector size");
        var window = CliOptions.Int("--window", 5, "maximum context distance");
        var minCount = CliOptions.Int("--min-count", 5, "drop words seen fewer times");
        var negative = CliOptions.Int("--negative", 5, "negative samples per pair");
        var epochs = CliOptions.Int("--epochs", 5, "passes over the corpus");
        var threads = CliOptions.Int("--threads", 2, "worker threads (lock-free Hogwild updates)");
        var sample = CliOptions.PositiveDouble("--sample", 1e-3, "frequent-word subsampling threshold");
        var alpha = CliOptions.PositiveDouble("--alpha", 0.025, "starting learning rate (decays linearly to alpha·1e-4)");

        var command = new Command("train", "Train skip-gram vectors; writes vectors.bin, vectors.txt (word2vec.c / gensim formats), vocabulary.txt and report.md.");
        foreach (var option in new Option[] { corpus, keepCase, dimensions, window, minCount, negative, epochs, threads, sample, alpha }) command.Options.Add(option);
        common.AddTo(command);
        command.SetAction(result =>
        {
            var outDir = common.ResolveOut(result, "word2vec");
            var tokens = CorpusTokens.Load(result.GetValue(corpus), lowercase: !result.GetValue(keepCase));
            var settings = new Word2VecSettings
            {
                Dimensions = result.GetValue(dimensions),
                Window = result.GetValue(window),
                MinCount = result.GetValue(minCount),
                Negative = result.GetValue(negative),
                Epochs = result.GetValue(epochs),
                Threads = result.GetValue(threads),
                Sample = result.GetValue(sample),
                StartingAlpha = (float)result.GetValue(alpha),
                Seed = unchecked((ulong)result.GetValue(common.Seed)) + 1,
            };
            ui.Info($"corpus: {tokens.Count:N0} tokens; skip-gram d={settings.Dimensions}, window {settings.Window}, min count {settings.MinCount}, {settings.Negative} negatives, sample {settings.Sample}, {settings.Epochs} epochs, {settings.Threads} threads");
            var model = ui.Progress(progress =>
            {
                var bar = progress.AddTask("skip-gram training", maxValue: 1.0);
                return Word2Vec.Train(tokens, settings, new Progress<double>(fraction => bar.Value = fraction));
            });
            ui.Info($"vocabulary {model.Vocabulary.Count:N0} words; {model.WordsPerSecond:N0} words/s");
            var vectors = model.Vectors;
            var written = new List<string> { Path.Combine(outDir, "vectors.bin"), Path.Combine(outDir, "vectors.txt"), Path.Combine(outDir, "vocabulary.txt") };
            vectors.Save(written[0], WordVectorFormat.Binary);
            vectors.Save(written[1], WordVectorFormat.Text);
            model.Vocabulary.Save(written[2]);

            var probes = Probes.Where(vectors.Contains).DefaultIfEmpty(vectors.Words[Math.Min(50, vectors.Count - 1)]).ToList();
            var rows = probes.Select(p => (IReadOnlyList<string>)new[] { p, string.Join(", ", vectors.MostSimilar(p, 8).Select(n => $"{n.Word} {n.Similarity.ToString("0.00", CultureInfo.InvariantCulture)}")) }).ToList();
            foreach (var row in rows) ui.Info($"{row[0],-10} → {row[1]}");
            var report = new ReportDocument(outDir, "Latent: word2vec skip-gram");
            report.Paragraph($"Skip-gram with negative sampling on {tokens.Count:N0} tokens ({result.GetValue(corpus) ?? "embedded Brown corpus"}), vocabulary {model.Vocabulary.Count:N0}, " +
                $"d={settings.Dimensions}, window {settings.Window}, {settings.Negative} negatives, sample {settings.Sample}, {settings.Epochs} epochs on {settings.Threads} threads: {model.WordsPerSecond:N0} words/s.");
            report.Table(new[] { "word", "nearest neighbours (cosine)" }, rows);
            var (markdown, html) = report.Save();
            foreach (var path in written.Append(markdown).Append(html)) ui.Wrote(path);
            return ExitCodes.Success;
        });
        return command;
    }

    private static Command BuildSimilar(ConsoleUi ui) =>
        VectorQuery(ui, "similar", "List the nearest neighbours (cosine) of words in a saved vector file.", 10, "neighbours to list",
            new Argument<string[]>("words") { Description = "words to look up", Arity = ArgumentArity.OneOrMore },
            (vectors, words, k) =>
            {
                foreach (var word in words)
                {
                    ui.Heading(word);
                    List(ui, vectors.MostSimilar(word, k));
                }
            });

    private static Command BuildAnalogy(ConsoleUi ui) =>
        VectorQuery(ui, "analogy", "Solve a : b :: c : ? with a saved vector file (nearest to b − a + c).", 5, "answers to list",
            new Argument<string[]>("a b c") { Description = "solve a : b :: c : ? (3CosAdd)", Arity = new ArgumentArity(3, 3) },
            (vectors, abc, k) =>
            {
                ui.Heading($"{abc[0]} : {abc[1]} :: {abc[2]} : ?");
                List(ui, vectors.Analogy(abc[0], abc[1], abc[2], k));
            });

    /// <summary>A subcommand that loads the vector file given by --vectors and answers a query about its word arguments, with --k results.</summary>
    private static Command VectorQuery(ConsoleUi ui, string name, string description, int defaultK, string kDescription, Argument<string[]> words,
        Action<WordVectors, string[], int> answer)
    {
        var vectorsPath = VectorsOption();
        var k = CliOptions.Int("--k", defaultK, kDescription);
        var command = new Command(name, description);
        command.Options.Add(vectorsPath);
        command.Options.Add(k);
        command.Arguments.Add(words);
        command.SetAction(result =>
        {
            var path = result.GetValue(vectorsPath)!;
            answer(WordVectors.Load(path, FormatOf(path)), result.GetValue(words)!, result.GetValue(k));
            return ExitCodes.Success;
        });
        return command;
    }

    private static void List(ConsoleUi ui, IEnumerable<(string Word, double Similarity)> results)
    {
        foreach (var (word, similarity) in results)
            ui.Info($"{word,-20} {similarity.ToString("0.000", CultureInfo.InvariantCulture)}");
    }
}
