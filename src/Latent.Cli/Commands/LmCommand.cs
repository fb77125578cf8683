using System.CommandLine;
using System.Globalization;
using Latent.Cli.Infrastructure;
using Latent.Reporting;
using Latent.Text;
using Latent.Training;
using static TorchSharp.torch;

namespace Latent.Cli.Commands;

/// <summary>`latent lm train|eval|generate`: an LSTM language model on the embedded Brown corpus (or --corpus), its perplexity, and sampled text.</summary>
public sealed class LmCommand : ICliCommand
{

    /// <inheritdoc />
    public Command Build(ConsoleUi ui)
    {
        var command = new Command("lm", "LSTM language model: train with truncated BPTT, evaluate perplexity, generate text.");
        command.Subcommands.Add(BuildTrain(ui));
        command.Subcommands.Add(BuildEval(ui));
        command.Subcommands.Add(BuildGenerate(ui));
        return command;
    }

    private static Option<string?> CorpusOption() => new("--corpus") { Description = "corpus file or directory, tagged (word/tag) or plain text (default: embedded Brown corpus, Bengio et al. 2003 split)" };

    private static Option<bool> LowercaseOption() => new("--lowercase") { Description = "lowercase the corpus (train and eval must agree)" };

    private static Option<string> ModelOption() => new("--model") { Description = "folder written by 'latent lm train'", Required = true };

    private static Command BuildTrain(ConsoleUi ui)
    {
        var common = new CommonOptions();
        var corpus = CorpusOption();
        var lowercase = LowercaseOption();
        var trainTokens = CliOptions.Int("--train-tokens", int.MaxValue, "use only the first N training tokens");
        var minCount = CliOptions.Int("--min-count", 4, "words seen fewer times in train become <unk> (4: the Bengio split's ≤ 3 rule)");
        var size = CliOptions.Int("--size", 256, "embedding and hidden size");
        var layers = CliOptions.Int("--layers", 1, "LSTM layers (1 or 2)");
        var dropout = new Option<double>("--dropout") { Description = "dropout probability", DefaultValueFactory = _ => 0.4 };
        var untied = new Option<bool>("--untied") { Description = "separate output projection instead of the tied embedding" };
        var vectors = new Option<string?>("--vectors") { Description = "initialise the embedding from a word2vec file (.bin or text; its size must equal --size)" };
        var freeze = new Option<bool>("--freeze-embedding") { Description = "keep the embedding fixed (with tied weights the projection too)" };
        var epochs = CliOptions.Int("--epochs", 6, "passes over the training tokens");
        var batch = CliOptions.Int("--batch-size", 32, "parallel token streams");
        var bptt = CliOptions.Int("--bptt", 35, "truncated BPTT length");
        var lr = CliOptions.PositiveDouble("--lr", 2e-3, "Adam learning rate");
        var clip = CliOptions.PositiveDouble("--clip", 1.0, "gradient-norm clipping");
        var resume = new Option<bool>("--resume") { Description = "continue from <out>/checkpoint.pt" };

        var command = new Command("train", "Train an LSTM LM; writes the model folder (model.json, vocabulary.txt, model.pt), curve.csv, perplexity.png and report.md.");
        foreach (var option in new Option[] { corpus, lowercase, trainTokens, minCount, size, layers, dropout, untied, vectors, freeze, epochs, batch, bptt, lr, clip, resume }) command.Options.Add(option);
        common.AddTo(command);
        command.SetAction(result =>
        {
            ui.Info(LatentRuntime.Initialize());
            var outDir = common.ResolveOut(result, "lm");
            var split = CorpusTokens.Split(CorpusTokens.Load(result.GetValue(corpus), result.GetValue(lowercase)));
            var train = split.Train.Take(result.GetValue(trainTokens)).ToList();
            var vocabulary = Vocabulary.Build(train, result.GetValue(minCount), withUnknown: true);
            int n = result.GetValue(size);
            var settings = new LstmLanguageModelSettings
            {
                VocabularySize = vocabulary.Count, EmbeddingSize = n, HiddenSize = n, Layers = result.GetValue(layers), Dropout = result.GetValue(dropout),
                TieWeights = !result.GetValue(untied), FreezeEmbedding = result.GetValue(freeze),
            };
            long seed = result.GetValue(common.Seed);
            RunSeed.Apply(seed);
            var model = new LstmLanguageModel(settings, CPU);
            if (result.GetValue(vectors) is { } vectorPath)
            {
                var format = Path.GetExtension(vectorPath).Equals(".bin", StringComparison.OrdinalIgnoreCase) ? WordVectorFormat.Binary : WordVectorFormat.Text;
                int copied = model.InitialiseEmbedding(vocabulary, WordVectors.Load(vectorPath, format));
                ui.Info($"embedding: {copied:N0} of {vocabulary.Count:N0} rows from {vectorPath}");
            }
            using var trainBatches = new TokenBatches(vocabulary.Encode(train), result.GetValue(batch), result.GetValue(bptt), CPU);
            using var validation = new TokenBatches(vocabulary.Encode(split.Validation), 10, result.GetValue(bptt), CPU);
            using var test = new TokenBatches(vocabulary.Encode(split.Test), 10, result.GetValue(bptt), CPU);
            ui.Info($"train {train.Count:N0} / validation {split.Validation.Count:N0} / test {split.Test.Count:N0} tokens; vocabulary {vocabulary.Count:N0}; {settings.Layers}×LSTM {n}, dropout {settings.Dropout}, {(settings.TieWeights ? "tied" : "untied")} output projection");

            using var truncated = new TruncatedBptt(model, trainBatches);
            var options = TruncatedBptt.TrainerOptions(result.GetValue(epochs), result.GetValue(clip), seed) with
            {
                CheckpointPath = Path.Combine(outDir, "checkpoint.pt"),
                Resume = result.GetValue(resume),
            };
            var curve = ui.Progress(progress =>
            {
                var bar = progress.AddTask("training", maxValue: (double)trainBatches.ChunkCount * options.Epochs);
                var trainer = new Trainer(model, OptimizerSettings.Adam(result.GetValue(lr)), options)
                {
                    Evaluate = () => LanguageModelEvaluation.Perplexity(model, validation),
                    Progress = p => bar.Value = p.Step,
                };
                return trainer.Fit(trainBatches.ChunkCount, truncated.Loss);
            });
            double testPerplexity = LanguageModelEvaluation.Perplexity(model, test);
            var written = LstmLanguageModelFiles.Save(outDir, model, vocabulary).ToList();
            written.Add(Path.Combine(outDir, "curve.csv"));
            curve.WriteCsv(written[^1]);
            var chart = new LineChart("Perplexity by epoch", "epoch", "perplexity") { LogY = true };
            chart.Add("train (exp of mean chunk loss)", curve.Epochs.Select(p => p.Epoch).ToList(), curve.Epochs.Select(p => Math.Exp(p.Value)).ToList());
            chart.Add("validation", curve.Evaluations.Select(p => p.Epoch).ToList(), curve.Evaluations.Select(p => p.Value).ToList());
            written.Add(chart.SavePng(Path.Combine(outDir, "perplexity.png")));
            var report = new ReportDocument(outDir, "Latent: LSTM language model");
            report.Paragraph($"{settings.Layers}-layer LSTM, embedding = hidden = {n}, dropout {settings.Dropout}, {(settings.TieWeights ? "tied" : "untied")} output projection; Adam lr {result.GetValue(lr)}, batch {result.GetValue(batch)}, BPTT {result.GetValue(bptt)}, clip {result.GetValue(clip)}, {curve.Epochs.Count} epochs, seed {seed}. " +
                $"Train {train.Count:N0} tokens, vocabulary {vocabulary.Count:N0} (rarer words → {Vocabulary.UnknownToken}).");
            report.Image(written[^1], "Training and validation perplexity by epoch.");
            report.Table(new[] { "epoch", "train perplexity", "validation perplexity" },
                curve.Epochs.Zip(curve.Evaluations, (t, v) => (IReadOnlyList<string>)new[] { t.Epoch.ToString("0", CultureInfo.InvariantCulture), Math.Exp(t.Value).ToString("0.0", CultureInfo.InvariantCulture), v.Value.ToString("0.0", CultureInfo.InvariantCulture) }));
            report.Paragraph($"Test perplexity: **{testPerplexity.ToString("0.0", CultureInfo.InvariantCulture)}** (Bengio et al. 2003 on Brown: neural 252, best n-gram 312).");
            var (markdown, html) = report.Save();
            ui.Info($"test perplexity {testPerplexity.ToString("0.0", CultureInfo.InvariantCulture)}");
            foreach (var path in written.Append(markdown).Append(html)) ui.Wrote(path);
            return ExitCodes.Success;
        });
        return command;
    }

    private static Command BuildEval(ConsoleUi ui)
    {
        var model = ModelOption();
        var corpus = CorpusOption();
        var lowercase = LowercaseOption();
        var part = CliOptions.Choice("--split", "test", "which part of the corpus split", "validation", "test");
        var command = new Command("eval", "Perplexity and next-word accuracy of a trained model: softmax head vs nearest-embedding decoding.");
        foreach (var option in new Option[] { model, corpus, lowercase, part }) command.Options.Add(option);
        command.SetAction(result =>
        {
            ui.Info(LatentRuntime.Initialize());
            var (lm, vocabulary) = LstmLanguageModelFiles.Load(result.GetValue(model)!, CPU);
            var split = CorpusTokens.Split(CorpusTokens.Load(result.GetValue(corpus), result.GetValue(lowercase)));
            var tokens = result.GetValue(part) == "test" ? split.Test : split.Validation;
            using var batches = new TokenBatches(vocabulary.Encode(tokens), 10, 35, CPU);
            ui.Info($"{result.GetValue(part)}: {tokens.Count:N0} tokens, vocabulary {vocabulary.Count:N0}");
            ui.Info($"softmax head:       perplexity {LanguageModelEvaluation.Perplexity(lm, batches):0.0}, greedy next-word accuracy {LanguageModelEvaluation.Accuracy(lm, batches, h => lm.Project(h).argmax(-1)):P1}");
            using var nearest = new NearestEmbeddingDecoder(lm.EmbeddingWeight);
            var best = NearestEmbeddingDecoder.TemperatureGrid.Select(t => (Temperature: t, Perplexity: LanguageModelEvaluation.Perplexity(lm, batches, h => nearest.LogProbabilities(h, t)))).MinBy(r => r.Perplexity);
            ui.Info($"nearest embedding:  perplexity {best.Perplexity:0.0} (softmax(cos/τ), best τ = {best.Temperature}), next-word accuracy {LanguageModelEvaluation.Accuracy(lm, batches, nearest.Decode):P1}");
            return ExitCodes.Success;
        });
        return command;
    }

    private static Command BuildGenerate(ConsoleUi ui)
    {
        var common = new CommonOptions();
        var model = ModelOption();
        var prompt = new Option<string>("--prompt") { Description = "text to continue", DefaultValueFactory = _ => "The" };
        var words = CliOptions.Int("--words", 40, "words to generate");
        var samples = CliOptions.Int("--samples", 3, "independent continuations");
        var temperature = CliOptions.PositiveDouble("--temperature", 1.0, "softmax temperature (→ 0: greedy)");
        var topK = CliOptions.Int("--top-k", 0, "sample only among the k most likely words (0: all)", minimum: 0);
        var greedy = new Option<bool>("--greedy") { Description = "always take the most likely word" };
        var command = new Command("generate", "Continue a prompt: output projection → softmax(logits / T) → sample, one word at a time.");
        foreach (var option in new Option[] { model, prompt, words, samples, temperature, topK, greedy }) command.Options.Add(option);
        command.Options.Add(common.Seed);
        command.SetAction(result =>
        {
            LatentRuntime.Initialize();
            var (lm, vocabulary) = LstmLanguageModelFiles.Load(result.GetValue(model)!, CPU);
            var promptWords = Tokenizer.Tokenize(result.GetValue(prompt)!, lowercase: false).Select(w => vocabulary.Contains(w) || !vocabulary.Contains(w.ToLowerInvariant()) ? w : w.ToLowerInvariant()).ToList();
            var promptIds = vocabulary.Encode(promptWords);
            if (promptIds.Length == 0) throw new LatentException("--prompt has no words");
            using var generator = new Generator(unchecked((ulong)result.GetValue(common.Seed)));
            int count = result.GetValue(greedy) ? 1 : result.GetValue(samples);
            for (int s = 0; s < count; s++)
            {
                var ids = TextGenerator.Generate(lm, promptIds, result.GetValue(words), result.GetValue(greedy)
                    ? TokenSampler.Greedy
                    : logits => TokenSampler.Sample(logits, result.GetValue(temperature), result.GetValue(topK), generator));
                ui.Info(string.Join(' ', promptIds.Concat(ids).Select(i => vocabulary.Words[i])));
            }
            return ExitCodes.Success;
        });
        return command;
    }
}
