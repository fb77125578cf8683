using System.Diagnostics;
using System.Globalization;
using Latent.Data;
using Latent.Text;
using Latent.Training;
using TorchSharp;
using static TorchSharp.torch;

namespace Latent.Bench;

/// <summary>The quality target: an LSTM language model on the Bengio et al. (2003) Brown split, test perplexity beside Bengio's 252 and the best n-gram's 312.</summary>
public sealed class LstmLmBrownWorkload : IWorkload
{
    private const double BengioNeuralPerplexity = 252;
    private const double BestNGramPerplexity = 312;

    /// <inheritdoc />
    public string Name => "lstm-lm-brown";

    /// <inheritdoc />
    public string Description => "LSTM LM on the Bengio 2003 Brown split (800k/200k/rest, ≤3 → <unk>): test perplexity vs 252 (neural) and 312 (n-gram) [--cell lstm|gru] [--softmax full|adaptive (untied)] [--epochs 20] [--minutes 40]";

    /// <inheritdoc />
    public void Run(string[] args)
    {
        Arguments.RejectUnknown(args, "--size", "--layers", "--batch", "--bptt", "--epochs", "--dropout", "--lr", "--clip", "--minutes", "--seed", "--threads", "--cell", "--softmax");
        int size = Arguments.Int(args, "--size", 256), layers = Arguments.Int(args, "--layers", 1), batch = Arguments.Int(args, "--batch", 32), bptt = Arguments.Int(args, "--bptt", 35);
        int epochs = Arguments.Int(args, "--epochs", 20);
        double dropout = Arguments.Double(args, "--dropout", 0.4), learningRate = Arguments.Double(args, "--lr", 2e-3);
        double clip = Arguments.Double(args, "--clip", 1.0), minutes = Arguments.Double(args, "--minutes", 40);
        long seed = Arguments.Int(args, "--seed", 1);
        string cell = Arguments.Text(args, "--cell") ?? "lstm", softmax = Arguments.Text(args, "--softmax") ?? "full";
        Arguments.ApplyThreads(args);

        var split = BrownCorpus.LoadEmbedded().BengioSplit();
        var vocabulary = Vocabulary.Build(split.Train, minCount: 4, withUnknown: true);
        var device = CPU;
        using var train = new TokenBatches(vocabulary.Encode(split.Train), batch, bptt, device);
        using var validation = new TokenBatches(vocabulary.Encode(split.Validation), 10, bptt, device);
        using var test = new TokenBatches(vocabulary.Encode(split.Test), 10, bptt, device);
        Console.WriteLine($"Bengio split: train {split.Train.Count:N0}, validation {split.Validation.Count:N0}, test {split.Test.Count:N0} tokens; vocabulary {vocabulary.Count:N0} (words seen ≤ 3 times → {Vocabulary.UnknownToken})");
        Console.WriteLine($"libtorch threads {get_num_threads()}; model: embedding = hidden = {size}, {layers} {cell.ToUpperInvariant()} layer(s), dropout {dropout}, {(softmax == "adaptive" ? "adaptive softmax" : "tied output projection")}; Adam lr {learningRate} (halved when validation stalls), batch {batch}, BPTT {bptt}, clip {clip}, seed {seed}, ≤ {epochs} epochs / {minutes} min");

        Stopwatch? clock = null;
        manual_seed(seed);
        var model = new LstmLanguageModel(vocabulary.Count, new LanguageModelOptions { EmbeddingSize = size, HiddenSize = size, Layers = layers, Dropout = dropout, Cell = cell, Softmax = softmax, TieWeights = softmax != "adaptive" }, device);
        using var truncatedBptt = new TruncatedBptt(model, train);
        var trainer = new Trainer(model, OptimizerSettings.Adam(learningRate), TruncatedBptt.TrainerOptions(1, clip, seed))
        {
            Progress = p =>
            {
                if (p.Step % 100 == 0) Console.WriteLine($"  step {p.Step}/{train.ChunkCount}: loss {p.Loss:F3}, {clock!.Elapsed.TotalSeconds:F0} s");
            },
        };
        clock = Stopwatch.StartNew();
        double bestValidation = double.PositiveInfinity, testAtBest = double.NaN;
        int bestEpoch = 0;
        double trainingSeconds = 0;
        for (int epoch = 1; epoch <= epochs; epoch++)
        {
            var trainClock = Stopwatch.StartNew();
            double loss = trainer.Fit(train.ChunkCount, truncatedBptt.Loss).Epochs[0].Value;
            trainingSeconds += trainClock.Elapsed.TotalSeconds;
            double validationPerplexity = LanguageModelEvaluation.Perplexity(model, validation);
            if (validationPerplexity < bestValidation)
            {
                bestValidation = validationPerplexity;
                testAtBest = LanguageModelEvaluation.Perplexity(model, test);
                bestEpoch = epoch;
            }
            else
            {
                learningRate /= 2;
                foreach (var group in trainer.Optimizer.ParamGroups) group.LearningRate = learningRate;
            }
            Console.WriteLine($"epoch {epoch,2}: train loss {loss:F3} (ppl {Math.Exp(loss):F1}), validation ppl {validationPerplexity:F1}, test ppl at best validation {testAtBest:F1} (epoch {bestEpoch}), lr {learningRate:G3}, {clock.Elapsed.TotalMinutes:F1} min, {train.Tokens * epoch / clock.Elapsed.TotalSeconds:N0} tokens/s incl. evaluation, {train.Tokens * epoch / trainingSeconds:N0} training tokens/s");
            if (clock.Elapsed.TotalMinutes * (epoch + 1) / epoch > minutes) break;
        }
        Console.WriteLine($"result: test perplexity {testAtBest:F1} (model of epoch {bestEpoch}, chosen by validation {bestValidation:F1}) after {clock.Elapsed.TotalMinutes:F1} min; Bengio et al. 2003: neural {BengioNeuralPerplexity}, best n-gram {BestNGramPerplexity}; target < {BengioNeuralPerplexity}: {(testAtBest < BengioNeuralPerplexity ? "met" : "NOT met")}");
    }
}
