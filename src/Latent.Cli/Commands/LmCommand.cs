using Latent.Reporting;
using Latent.Text;
using static System.FormattableString;

namespace Latent.Cli.Commands;

/// <summary>`latent lm train|eval|generate`: an LSTM language model on the embedded Brown corpus (or --corpus), its perplexity, and sampled text.</summary>
public sealed class LmCommand : ICliCommand
{
    /// <inheritdoc />
    public Command Build(ConsoleUi ui)
    {
        var eval = BuildEval(ui);
        return new("lm", "LSTM language model: train with truncated BPTT, evaluate perplexity, generate text.") { BuildTrain(ui, eval), eval, BuildGenerate(ui) };
    }

    private static Option<string?> CorpusOption() => new("--corpus") { Description = "corpus file or folder: plain text (a sentence per line, or free text) or word/tag text, split in order: test at the end (--test-fraction), the same share before it validation (default: embedded Brown corpus, Bengio et al. 2003 split)" };

    private static Option<string> ModelOption() => new("--model") { Description = "folder written by 'latent lm train'", Required = true };

    /// <summary>Builds `lm train`; an interrupted evaluation names <paramref name="eval"/> (`lm eval`) as the command that redoes it.</summary>
    private static Command BuildTrain(ConsoleUi ui, Command eval)
    {
        var (d, common, corpus) = (LanguageModelOptions.Default, new CommonOptions(), CorpusOption());
        var lowercase = new Option<bool>("--lowercase") { Description = "lowercase all text the model reads (saved with the model)" };
        var minCount = CliOptions.Int("--min-count", d.MinCount, "words seen fewer times in train become <unk>");
        var size = CliOptions.Int("--size", d.HiddenSize, "embedding and hidden size");
        var layers = CliOptions.Int("--layers", d.Layers, "LSTM layers (1 or 2)");
        var dropout = CliOptions.UnitFraction("--dropout", d.Dropout, "dropout probability");
        var vectors = new Option<string?>("--vectors") { Description = "initialise the embedding from word2vec vectors (a word2vec train folder or vector file of size --size)" };
        var epochs = CliOptions.Int("--epochs", d.Epochs, "passes over the training tokens");
        var batch = CliOptions.Int("--batch-size", d.BatchSize, "parallel token streams");
        var bptt = CliOptions.Int("--bptt", d.Bptt, "truncated BPTT length");
        var lr = CliOptions.PositiveDouble("--lr", d.LearningRate, "Adam learning rate");
        var untied = new Option<bool>("--untied") { Description = "give the output projection its own weights instead of sharing the embedding's (Press and Wolf 2017 tie them)", DefaultValueFactory = _ => !d.TieWeights };
        var cell = CliOptions.Choice("--cell", d.Cell, $"recurrent cell: {LanguageModelOptions.Cells.Help}", LanguageModelOptions.Cells);
        var softmax = CliOptions.Choice("--softmax", d.Softmax, $"output layer: {LanguageModelOptions.Softmaxes.Help}; adaptive needs --untied", LanguageModelOptions.Softmaxes);
        var cutoffs = CliOptions.OptionalWidths("--cutoffs", "adaptive softmax: word ranks where the head and each tail cluster end, e.g. 2000,10000 (default: from the vocabulary size)");
        var clip = CliOptions.PositiveDouble("--clip", d.ClipNorm, "clip the global gradient norm to this value before each step");
        var testFraction = CliOptions.UnitFraction("--test-fraction", d.TestFraction, "share of a --corpus, at its end, held out for testing (the same share before it validates)");
        var patience = CommonOptions.Patience("perplexity");
        var resume = CommonOptions.Resume();
        var command = new Command("train", "Train an LSTM LM; writes the model folder (config.json, model.safetensors, vocabulary.txt), curve.csv, perplexity.png, metrics.json and report.md.")
            { corpus, lowercase, minCount, size, layers, dropout, vectors, epochs, batch, bptt, lr, cell, softmax, cutoffs, untied, clip, testFraction, patience, resume, common.Seed, common.Out, common.NoTensorBoard, common.Device };
        command.SetAction(result =>
        {
            var outDir = common.ResolveOut(result, "lm");
            var options = d with { Lowercase = result.GetValue(lowercase), MinCount = result.GetValue(minCount), EmbeddingSize = result.GetValue(size), HiddenSize = result.GetValue(size), Layers = result.GetValue(layers),
                Dropout = result.GetValue(dropout), Epochs = result.GetValue(epochs), BatchSize = result.GetValue(batch), Bptt = result.GetValue(bptt), LearningRate = result.GetValue(lr),
                Cell = result.GetValue(cell)!, Softmax = result.GetValue(softmax)!, Cutoffs = result.GetValue(cutoffs) is { Length: > 0 } given ? given : null, TieWeights = !result.GetValue(untied), ClipNorm = result.GetValue(clip), Seed = result.GetValue(common.Seed), TestFraction = result.GetValue(testFraction), ValidationFraction = result.GetValue(testFraction), Patience = result.GetValue(patience), Device = result.GetValue(common.Device)! };
            var log = common.OpenRunLog(result, outDir);
            var (lm, split) = (new LanguageModel(options), CorpusTokens.LoadSplit(result.GetValue(corpus), options.ValidationFraction, options.TestFraction, ui.Stop));
            var initial = result.GetValue(vectors) is { } path ? WordVectors.Read(path) : null;
            var curve = ui.Progress(progress => { var bar = progress.AddTask($"training on {split.Train.Count:N0} tokens", maxValue: 1); return lm.Fit(split.Train, split.Validation, p => (bar.MaxValue, bar.Value) = (p.TotalSteps, p.Step), initial, Path.Combine(outDir, "checkpoint.pt"), result.GetValue(resume), ui.Stop, log); });
            if (curve.EarlyStop?.Describe() is { } stopped) ui.Info(stopped);
            var saved = lm.Save(outDir);
            ui.Info($"evaluating on {split.Test.Count:N0} test tokens");
            var metrics = Interruption.Finishing([.. saved, Path.Combine(outDir, "checkpoint.pt"), .. log is null ? Array.Empty<string>() : [log.Directory]], "metrics.json, curve.csv, perplexity.png and the report",
                Interruption.Redo(result, eval, ["lm", "eval"], "--model", outDir, "--out", outDir), () => lm.Evaluate(split.Test, ui.Stop));
            var numbers = curve.WithStopMetrics(metrics.ToDictionary());
            log?.Metrics(numbers, curve.Steps.Count);
            var summary = Invariant($"test perplexity {metrics.Perplexity:0.0}, next-word accuracy {metrics.Accuracy:P1} (train {split.Train.Count:N0} / validation {split.Validation.Count:N0} / test {split.Test.Count:N0} tokens, vocabulary {lm.Vocabulary.Count:N0})");
            var written = saved.Append(MetricsFile.Write(outDir, numbers)).Append(Path.Combine(outDir, "curve.csv")).ToList();
            curve.WriteCsv(written[^1]);
            written.Add(LanguageModelFigures.Perplexity(curve).SavePng(Path.Combine(outDir, "perplexity.png")));
            var (markdown, html) = new ReportDocument(outDir, $"Latent: {options.Cell.ToUpperInvariant()} language model").Paragraph(Invariant($"{options.Layers}-layer {options.Cell.ToUpperInvariant()}, embedding = hidden = {options.HiddenSize}, dropout {options.Dropout}, {(options.TieWeights ? "tied" : "untied")} output projection{(options.IsAdaptive ? " through an adaptive softmax (Grave et al. 2017)" : "")}; Adam lr {options.LearningRate}, gradient norm clipped at {options.ClipNorm}, batch {options.BatchSize}, BPTT {options.Bptt}, {curve.Epochs.Count} epochs; rarer words → {Vocabulary.UnknownToken}. Result: {summary}. On the Brown corpus Bengio et al. (2003) report test perplexity 252 for their neural model and 312 for the best n-gram.")).Image(written[^1], "Training and validation perplexity by epoch.").Save();
            ui.Info(summary);
            foreach (var file in written.Append(markdown).Append(html).Concat(log is null ? [] : [log.Directory])) ui.Wrote(file);
            return ExitCodes.Success;
        });
        return command;
    }

    private static Command BuildEval(ConsoleUi ui)
    {
        var (common, model, corpus) = (new CommonOptions(), ModelOption(), CorpusOption());
        var part = CliOptions.Choice("--split", "test", "which part of the corpus split", "validation", "test");
        var command = new Command("eval", "Perplexity and next-word accuracy of a trained model (softmax head vs nearest-embedding decoding); writes metrics.json.") { model, corpus, part, common.Out, common.Device };
        command.SetAction(result =>
        {
            var lm = LanguageModel.Load(result.GetValue(model)!, result.GetValue(common.Device)!);
            var split = CorpusTokens.LoadSplit(result.GetValue(corpus), lm.Options.ValidationFraction, lm.Options.TestFraction, ui.Stop);
            var tokens = result.GetValue(part) == "test" ? split.Test : split.Validation;
            ui.Info($"evaluating on {tokens.Count:N0} {result.GetValue(part)} tokens");
            var (metrics, nearest) = (lm.Evaluate(tokens, ui.Stop), lm.EvaluateNearestEmbedding(tokens, stop: ui.Stop));
            ui.Info(Invariant($"{result.GetValue(part)} ({tokens.Count:N0} tokens): softmax head perplexity {metrics.Perplexity:0.0}, greedy next-word accuracy {metrics.Accuracy:P1}"));
            ui.Info(Invariant($"nearest embedding: perplexity {nearest.Perplexity:0.0} (softmax(cos/τ), best τ = {nearest.Temperature}), next-word accuracy {nearest.Accuracy:P1}"));
            ui.Wrote(MetricsFile.Write(common.ResolveOut(result, "lm-eval"), metrics.ToDictionary(result.GetValue(part)!)));
            return ExitCodes.Success;
        });
        return command;
    }

    private static Command BuildGenerate(ConsoleUi ui)
    {
        var (common, model) = (new CommonOptions(), ModelOption());
        var prompt = new Option<string>("--prompt") { Description = "text to continue", DefaultValueFactory = _ => "The" };
        var words = CliOptions.Int("--words", 40, "words to generate");
        var samples = CliOptions.Int("--samples", 3, "independent continuations");
        var temperature = CliOptions.NonNegativeDouble("--temperature", 1.0, "softmax temperature (0: always the most likely word)");
        var topK = CliOptions.Int("--top-k", 0, "sample only among the k most likely words (0: all)", minimum: 0);
        var command = new Command("generate", "Continue a prompt: output projection → softmax(logits / T) → sample, one word at a time.") { model, prompt, words, samples, temperature, topK, common.Seed, common.Device };
        command.SetAction(result =>
        {
            var lm = LanguageModel.Load(result.GetValue(model)!, result.GetValue(common.Device)!);
            for (int s = 0; s < result.GetValue(samples); s++)
                ui.Info($"{result.GetValue(prompt)} {string.Join(' ', lm.Generate(result.GetValue(prompt)!, result.GetValue(words), result.GetValue(temperature), result.GetValue(topK), result.GetValue(common.Seed) + s))}");
            return ExitCodes.Success;
        });
        return command;
    }
}
