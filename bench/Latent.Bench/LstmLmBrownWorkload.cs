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
    public string Description => "LSTM LM on the Bengio 2003 Brown split (800k/200k/rest, ≤3 → <unk>): test perplexity vs 252 (neural) and 312 (n-gram) [--cell lstm|gru] [--softmax full|adaptive (untied)] [--epochs 20] [--minutes 40] [--compare-softmax [--tokens 300000] [--block 10]: full vs adaptive in one run]";

    /// <inheritdoc />
    public void Run(string[] args)
    {
        Arguments.RejectUnknown(args, "--size", "--layers", "--batch", "--bptt", "--epochs", "--dropout", "--lr", "--clip", "--minutes", "--seed", "--threads", "--cell", "--softmax", "--compare-softmax", "--tokens", "--block");
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
        if (args.Contains("--compare-softmax"))
        {
            var options = new LanguageModelOptions { EmbeddingSize = size, HiddenSize = size, Layers = layers, Dropout = dropout, Cell = cell };
            Console.WriteLine($"libtorch threads {get_num_threads()}; full (tied) vs adaptive (untied) softmax, same seed {seed}; embedding = hidden = {size}, {layers} {cell.ToUpperInvariant()} layer(s), dropout {dropout}, Adam lr {learningRate}, batch {batch}, BPTT {bptt}, clip {clip}");
            CompareSoftmax(vocabulary.Count, options, train, validation, test, learningRate, clip, seed, Arguments.Int(args, "--tokens", 300_000), Arguments.Int(args, "--block", 10));
            return;
        }
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

    /// <summary>
    /// The full (tied) and the adaptive (untied) softmax trained side by side from the same seed on the first <paramref name="tokens"/>
    /// training tokens, alternating every <paramref name="block"/> steps so both see the same load; then validation and test perplexity of
    /// each, and the ratios the adaptive softmax is judged by (≥ 2× training tokens/s, ≤ 1.03× test perplexity).
    /// </summary>
    private static void CompareSoftmax(int vocabularySize, LanguageModelOptions options, TokenBatches train, TokenBatches validation, TokenBatches test,
        double learningRate, double clip, long seed, long tokens, int block)
    {
        var sides = new[] { "full", "adaptive" }.Select(softmax =>
        {
            manual_seed(seed);
            var model = new LstmLanguageModel(vocabularySize, options with { Softmax = softmax, TieWeights = softmax != "adaptive" }, CPU);
            return new SoftmaxSide(softmax, model, new TruncatedBptt(model, train), new Trainer(model, OptimizerSettings.Adam(learningRate), TruncatedBptt.TrainerOptions(1, clip, seed)));
        }).ToArray();
        int steps = 0;
        long trainedTokens = 0;
        while (steps < train.ChunkCount && trainedTokens < tokens) trainedTokens += train.ChunkTokens(steps++);
        Console.WriteLine($"training budget: {steps} of {train.ChunkCount} steps ({trainedTokens:N0} tokens, {(double)trainedTokens / train.Tokens:F2} epochs) per side, alternating every {block} steps");
        for (int offset = 0; offset < steps; offset += block)
        {
            int count = Math.Min(block, steps - offset);
            foreach (var side in sides)
            {
                var clock = Stopwatch.StartNew();
                side.LossSum += side.Trainer.Fit(count, index => side.Bptt.Loss(index + offset)).Epochs[0].Value * count;
                side.TrainingSeconds += clock.Elapsed.TotalSeconds;
            }
            if ((offset / block) % 10 == 9) Console.WriteLine($"  step {offset + count}/{steps}: " + string.Join(", ", sides.Select(side => $"{side.Softmax} {trainedTokens * (offset + count) / steps / side.TrainingSeconds:N0} tokens/s")));
        }
        foreach (var side in sides)
        {
            var clock = Stopwatch.StartNew();
            side.ValidationPerplexity = LanguageModelEvaluation.Perplexity(side.Model, validation);
            side.TestPerplexity = LanguageModelEvaluation.Perplexity(side.Model, test);
            side.EvaluationSeconds = clock.Elapsed.TotalSeconds;
            Console.WriteLine(FormattableString.Invariant(
                $"{side.Softmax,-8} softmax: {trainedTokens / side.TrainingSeconds:N0} training tokens/s ({side.TrainingSeconds:F0} s), mean train loss {side.LossSum / steps:F3}, validation ppl {side.ValidationPerplexity:F1}, test ppl {side.TestPerplexity:F1} (evaluation {side.EvaluationSeconds:F0} s, {(validation.Tokens + test.Tokens) / side.EvaluationSeconds:N0} tokens/s)"));
        }
        var (full, adaptive) = (sides[0], sides[1]);
        double speedup = full.TrainingSeconds / adaptive.TrainingSeconds, perplexityRatio = adaptive.TestPerplexity / full.TestPerplexity;
        Console.WriteLine(FormattableString.Invariant(
            $"result: adaptive/full training tokens/s {speedup:F2}x (target >= 2: {(speedup >= 2 ? "met" : "NOT met")}), evaluation {full.EvaluationSeconds / adaptive.EvaluationSeconds:F2}x; test perplexity adaptive/full {perplexityRatio:F3} (target <= 1.03 after the same training: {(perplexityRatio <= 1.03 ? "met" : "NOT met")})"));
        foreach (var side in sides) side.Bptt.Dispose();
    }

    /// <summary>One softmax's model, its training state and its figures.</summary>
    private sealed record SoftmaxSide(string Softmax, LstmLanguageModel Model, TruncatedBptt Bptt, Trainer Trainer)
    {
        public double LossSum { get; set; }

        public double TrainingSeconds { get; set; }

        public double EvaluationSeconds { get; set; }

        public double ValidationPerplexity { get; set; }

        public double TestPerplexity { get; set; }
    }
}
