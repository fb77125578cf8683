using Latent.Data;
using Latent.Text;
using Latent.Training;
using TorchSharp;
using TorchSharp.Modules;
using static TorchSharp.torch;

namespace Latent.Bench;

/// <summary>
/// Tokens per second of LSTM LM training through Latent beside a minimal hand-written TorchSharp loop of the same model, interleaved
/// in one run, after the fp32 matmul peak and a per-section profile of both steps (<see cref="LstmLmStepProfile"/>).
/// </summary>
public sealed class LstmLmThroughputWorkload : IWorkload
{
    private const int Size = 256, Batch = 32, Bptt = 35, StepsPerRound = 6, Rounds = 6;
    private const double LearningRate = 2e-3, Clip = 1.0, Dropout = 0.4;

    /// <inheritdoc />
    public string Name => "lstm-lm-throughput";

    /// <inheritdoc />
    public string Description => "LSTM LM training tokens/s (Brown, V≈14k, 256 units, batch 32 × BPTT 35): Latent's Trainer + TruncatedBptt vs a hand-written TorchSharp loop, after a profile of both steps [--profile-steps 6] [--profile-only] [--threads N]";

    /// <inheritdoc />
    public void Run(string[] args)
    {
        Arguments.RejectUnknown(args, "--profile-steps", "--profile-only", "--threads");
        Arguments.ApplyThreads(args);
        var train = BrownCorpus.LoadEmbedded().BengioSplit().Train;
        var vocabulary = Vocabulary.Build(train, minCount: 4, withUnknown: true);
        var tokens = vocabulary.Encode(train);
        using var batches = new TokenBatches(tokens, Batch, Bptt, CPU);
        Console.WriteLine($"libtorch threads {get_num_threads()}; Brown train split (the first {StepsPerRound} BPTT chunks, the same in every round), vocabulary {vocabulary.Count:N0}; 1-layer LSTM {Size}, tied, dropout {Dropout}, Adam, batch {Batch} × BPTT {Bptt}; {Rounds} rounds of {StepsPerRound} steps per loop, the order alternating (+1 warm-up round)");

        double peak = MatmulPeak.MeasureGflops(ScalarType.Float32);
        Console.WriteLine($"measured fp32 matmul peak (best of 2048x2048 torch.mm): {peak:F1} GFLOP/s");
        var options = new LanguageModelOptions { EmbeddingSize = Size, HiddenSize = Size, Dropout = Dropout, LearningRate = LearningRate, ClipNorm = Clip };
        LstmLmStepProfile.Print(batches, vocabulary.Count, options, Arguments.Int(args, "--profile-steps", 6), peak);
        if (args.Contains("--profile-only")) return;

        manual_seed(1);
        var latent = new LstmLanguageModel(vocabulary.Count, options, CPU);
        using var bptt = new TruncatedBptt(latent, batches);
        var trainer = new Trainer(latent, OptimizerSettings.Adam(LearningRate), TruncatedBptt.TrainerOptions(1, Clip, 1) with { MaxSteps = StepsPerRound });
        manual_seed(1);
        var plain = new HandWrittenLm(vocabulary.Count, Size, Dropout);
        var plainOptimizer = optim.Adam(plain.parameters(), LearningRate);

        var latentClock = new FaultClock();
        var plainClock = new FaultClock();
        double RunLatent()
        {
            double before = latentClock.Seconds;
            latentClock.Start();
            trainer.Fit(batches.ChunkCount, bptt.Loss);
            latentClock.Stop();
            return StepsPerRound * Batch * Bptt / (latentClock.Seconds - before);
        }
        (Tensor, Tensor)? plainState = null;
        double RunPlain()
        {
            double before = plainClock.Seconds;
            plainClock.Start();
            plainState = null;
            for (int chunk = 0; chunk < StepsPerRound; chunk++)
            {
                using var scope = NewDisposeScope();
                var (input, target) = batches.Chunk(chunk);
                plainOptimizer.zero_grad();
                var (logits, h, c) = plain.forward(input, plainState);
                var loss = nn.functional.cross_entropy(logits.reshape(-1, logits.shape[2]), target.reshape(-1));
                loss.item<float>();
                loss.backward();
                nn.utils.clip_grad_norm_(plain.parameters(), Clip);
                plainOptimizer.step();
                plainState?.Item1.Dispose();
                plainState?.Item2.Dispose();
                plainState = (h.detach().MoveToOuterDisposeScope(), c.detach().MoveToOuterDisposeScope());
            }
            plainClock.Stop();
            return StepsPerRound * Batch * Bptt / (plainClock.Seconds - before);
        }

        RunLatent();
        RunPlain();
        latentClock = new FaultClock();
        plainClock = new FaultClock();
        var latentRates = new List<double>();
        var plainRates = new List<double>();
        var ratios = new List<double>();
        for (int round = 0; round < Rounds; round++)
        {
            if (round % 2 == 0)
            {
                latentRates.Add(RunLatent());
                plainRates.Add(RunPlain());
            }
            else
            {
                plainRates.Add(RunPlain());
                latentRates.Add(RunLatent());
            }
            ratios.Add(latentRates[^1] / plainRates[^1]);
            Console.WriteLine($"  round {round + 1} ({(round % 2 == 0 ? "Latent first" : "hand-written first")}): Latent {latentRates[^1]:N0} tokens/s, hand-written {plainRates[^1]:N0} tokens/s, ratio {ratios[^1]:F3}");
        }
        double ratio = Median(ratios);
        Console.WriteLine($"memory over the timed rounds: Latent {latentClock.PerStep(Rounds * StepsPerRound)}; hand-written {plainClock.PerStep(Rounds * StepsPerRound)}");
        Console.WriteLine($"median: Latent {Median(latentRates):N0} tokens/s, hand-written TorchSharp {Median(plainRates):N0} tokens/s; median per-round ratio {ratio:F3} (target ≥ 2: {(ratio >= 2 ? "met" : "NOT met")}; the profile above gives the bound an exact full-softmax step allows)");
    }

    private static double Median(List<double> values)
    {
        var sorted = values.Order().ToList();
        return sorted.Count % 2 == 1 ? sorted[sorted.Count / 2] : (sorted[sorted.Count / 2 - 1] + sorted[sorted.Count / 2]) / 2;
    }
}
