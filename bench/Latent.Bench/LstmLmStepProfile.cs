using Latent.Text;
using Latent.Training;
using TorchSharp;
using TorchSharp.Modules;
using static TorchSharp.torch;

namespace Latent.Bench;

/// <summary>
/// Where an LSTM LM training step's time goes, for the hand-written TorchSharp step and Latent's, their steps alternating so that
/// both share the machine's load: each step cut into timed sections (the hand-written backward pass split at the logits and at
/// the LSTM's output, through detached leaves whose gradients are handed on by hand), set beside the step's arithmetic, the
/// least time any exact full-softmax step needs on this machine: the output projection's three GEMMs measured alone in both layouts,
/// the LSTM's arithmetic at the measured matmul peak, one pass over the logits and one over the parameters.
/// </summary>
internal static class LstmLmStepProfile
{
    private const int WarmUpSteps = 2;

    private static readonly string[] HandWrittenSections =
    [
        "embedding + dropout", "LSTM forward", "dropout + projection forward", "cross-entropy forward + item", "zero_grad",
        "backward: cross-entropy", "backward: projection (2 GEMMs + bias)", "backward: LSTM + embedding", "clip_grad_norm", "Adam step", "dispose scope",
    ];

    private static readonly string[] LatentSections =
    [
        "Hidden: embedding, dropout, LSTM, dropout", "CrossEntropy: loss + its gradients", "loss.item", "zero_grad",
        "backward: LSTM + embedding", "clip_grad_norm", "Adam step", "dispose scope",
    ];

    /// <summary>Arithmetic of one step per token: the projection's forward and two gradient GEMMs, and the LSTM's gate GEMMs forward and backward.</summary>
    public static (double Projection, double Lstm) FlopsPerToken(int vocabulary, int embedding, int hidden) =>
        (3 * 2.0 * hidden * vocabulary, 3 * 2.0 * 4 * hidden * (embedding + hidden));

    /// <summary>Times <paramref name="steps"/> steps of each side on the first chunks of <paramref name="batches"/> and prints the breakdowns.</summary>
    public static void Print(TokenBatches batches, int vocabulary, LanguageModelOptions options, int steps, double peakGflops)
    {
        int size = options.HiddenSize;
        manual_seed(3);
        var handWritten = new HandWrittenLm(vocabulary, size, options.Dropout);
        var handParameters = handWritten.parameters().ToArray();
        using var handOptimizer = optim.Adam(handParameters, options.LearningRate);
        manual_seed(3);
        using var latent = new LstmLanguageModel(vocabulary, options, CPU);
        var latentParameters = latent.parameters().ToArray();
        var latentOptimizer = OptimizerSettings.Adam(options.LearningRate).Create(latentParameters);
        var handClock = new SectionClock(HandWrittenSections);
        var latentClock = new SectionClock(LatentSections);
        for (int step = -WarmUpSteps; step < steps; step++)
        {
            if (step == 0)
            {
                handClock.Reset();
                latentClock.Reset();
            }
            var (input, target) = batches.Chunk(Math.Max(step, 0) % batches.ChunkCount);
            HandWrittenStep(handWritten, handParameters, handOptimizer, input, target, options.ClipNorm, handClock);
            LatentStep(latent, latentParameters, latentOptimizer, input, target, options.ClipNorm, latentClock);
        }
        double again = MatmulPeak.MeasureGflops(ScalarType.Float32);
        Console.WriteLine($"fp32 matmul peak measured again after the profiled steps: {again:F1} GFLOP/s; the larger of the two is the peak below");
        peakGflops = Math.Max(peakGflops, again);
        var (projection, recurrent) = FlopsPerToken(vocabulary, options.EmbeddingSize, size);
        long tokens = batches.ChunkTokens(0);
        double stepFlops = (projection + recurrent) * tokens;
        Console.WriteLine($"profile of one training step [{Word2VecBrownWorkload.Load()}], mean of {steps} steps per side, alternating, {get_num_threads()} libtorch thread(s)");
        Console.WriteLine($"  arithmetic per token: projection {projection / 1e6:F1} MFLOP (forward + 2 gradient GEMMs), LSTM gates {recurrent / 1e6:F1} MFLOP; " +
                          $"per step ({tokens} tokens) {stepFlops / 1e9:F1} GFLOP: at the measured peak {stepFlops / peakGflops / 1e6:F1} ms = {tokens / (stepFlops / peakGflops / 1e9):N0} tokens/s");
        foreach (var (name, clock) in new[] { ("hand-written step", handClock), ("Latent step", latentClock) })
        {
            Console.WriteLine($"  {name}:");
            clock.Print();
            Console.WriteLine($"  {"total",-44} {clock.Total * 1e3,8:F2} ms = {tokens / clock.Total:N0} tokens/s = {stepFlops / clock.Total / 1e9:F1} GFLOP/s = {stepFlops / clock.Total / 1e9 / peakGflops:P0} of peak");
        }
        double gemms = PrintGemms(tokens, vocabulary, size, peakGflops);
        double recurrentFloor = recurrent * tokens / peakGflops / 1e9;
        var (softmax, adam) = MemoryPasses(tokens, vocabulary, latentParameters);
        double bound = gemms + recurrentFloor + softmax + adam;
        Console.WriteLine($"  one exp_ over the {tokens}×{vocabulary} logits in place: {softmax * 1e3:F1} ms; one addcdiv_ pass over the {latentParameters.Sum(p => p.numel()):N0} parameters (the least an Adam step reads and writes): {adam * 1e3:F1} ms");
        Console.WriteLine($"  Latent / hand-written speed: {handClock.Total / latentClock.Total:F2}. Least time of an exact full-softmax step: the projection's three GEMMs (best layout, warm outputs) " +
                          $"{gemms * 1e3:F1} ms + the LSTM's gate arithmetic at the peak {recurrentFloor * 1e3:F1} ms + one exp pass {softmax * 1e3:F1} ms + one Adam-sized pass {adam * 1e3:F1} ms = {bound * 1e3:F1} ms, " +
                          $"so Latent / hand-written ≤ {handClock.Total / bound:F2} in this run (the whole step's arithmetic at the peak alone: ≤ {handClock.Total / (stepFlops / peakGflops / 1e9):F2}). " +
                          $"Outside the projection's GEMMs Latent spends {(latentClock.Total - gemms) * 1e3:F1} ms per step, the hand-written step {(handClock.Total - gemms) * 1e3:F1} ms");
    }

    private static void HandWrittenStep(HandWrittenLm model, Parameter[] parameters, optim.Optimizer optimizer, Tensor input, Tensor target, double clip, SectionClock clock)
    {
        clock.Start();
        var scope = NewDisposeScope();
        var embedded = model.Dropout.forward(model.Embedding.forward(input));
        clock.Lap(0);
        var (output, _, _) = model.Lstm.forward(embedded, null);
        clock.Lap(1);
        var outputLeaf = output.detach().requires_grad_(true);
        var logits = nn.functional.linear(model.Dropout.forward(outputLeaf), model.Embedding.weight!, model.Bias);
        clock.Lap(2);
        var logitsLeaf = logits.detach().requires_grad_(true);
        var loss = nn.functional.cross_entropy(logitsLeaf.reshape(-1, logits.shape[2]), target.reshape(-1));
        loss.item<float>();
        clock.Lap(3);
        optimizer.zero_grad();
        clock.Lap(4);
        loss.backward();
        clock.Lap(5);
        logits.backward([logitsLeaf.grad!]);
        clock.Lap(6);
        output.backward([outputLeaf.grad!]);
        clock.Lap(7);
        nn.utils.clip_grad_norm_(parameters, clip);
        clock.Lap(8);
        optimizer.step();
        clock.Lap(9);
        scope.Dispose();
        clock.Lap(10);
    }

    private static void LatentStep(LstmLanguageModel model, Parameter[] parameters, optim.Optimizer optimizer, Tensor input, Tensor target, double clip, SectionClock clock)
    {
        clock.Start();
        var scope = NewDisposeScope();
        var (hidden, _) = model.Hidden(input, null);
        clock.Lap(0);
        var loss = model.CrossEntropy(hidden, target);
        clock.Lap(1);
        loss.item<float>();
        clock.Lap(2);
        optimizer.zero_grad();
        clock.Lap(3);
        loss.backward();
        clock.Lap(4);
        nn.utils.clip_grad_norm_(parameters, clip);
        clock.Lap(5);
        optimizer.step();
        clock.Lap(6);
        scope.Dispose();
        clock.Lap(7);
    }

    /// <summary>
    /// Times the projection's forward, hidden-gradient and weight-gradient GEMMs into warm (preallocated) outputs with the logits laid out
    /// [N, V] and [V, N], and returns the smaller of the two layouts' totals.
    /// </summary>
    private static double PrintGemms(long tokens, int vocabulary, int size, double peakGflops)
    {
        using var scope = NewDisposeScope();
        var h = randn(tokens, size);
        var w = randn(vocabulary, size);
        var g = randn(tokens, vocabulary);
        var gt = g.t().contiguous();
        var (logits, logitsT, hiddenGradient, weightGradient) = (empty(tokens, vocabulary), empty(vocabulary, tokens), empty(tokens, size), empty(vocabulary, size));
        double flops = 2.0 * tokens * size * vocabulary;
        var gemms = new (string Name, Action Run)[]
        {
            ("logits [N,V] = h Wᵀ", () => logits.addmm_(h, w.t(), 0, 1)),
            ("grad h = G W", () => hiddenGradient.addmm_(g, w, 0, 1)),
            ("grad W = Gᵀ h", () => weightGradient.addmm_(g.t(), h, 0, 1)),
            ("logits [V,N] = W hᵀ", () => logitsT.addmm_(w, h.t(), 0, 1)),
            ("grad h = (Gᵀ)ᵀ W", () => hiddenGradient.addmm_(gt.t(), w, 0, 1)),
            ("grad W = Gᵀ h, Gᵀ stored", () => weightGradient.addmm_(gt, h, 0, 1)),
        };
        Console.WriteLine($"  the projection's GEMMs alone into warm outputs ({tokens}×{size}×{vocabulary}, {flops / 1e9:F2} GFLOP each), best of 3:");
        var best = new double[gemms.Length];
        for (int i = 0; i < gemms.Length; i++)
        {
            var run = gemms[i].Run;
            run();
            best[i] = Enumerable.Range(0, 3).Min(_ => SectionClock.Seconds(run));
            Console.WriteLine($"    {gemms[i].Name,-34} {best[i] * 1e3,7:F2} ms = {flops / best[i] / 1e9:F1} GFLOP/s = {flops / best[i] / 1e9 / peakGflops:P0} of peak");
        }
        return Math.Min(best[0] + best[1] + best[2], best[3] + best[4] + best[5]);
    }

    /// <summary>Best-of-3 seconds of one in-place exp over warm [N, V] logits and of one addcdiv_ pass over copies of <paramref name="parameters"/>.</summary>
    private static (double Softmax, double Adam) MemoryPasses(long tokens, int vocabulary, Parameter[] parameters)
    {
        using var scope = NewDisposeScope();
        var source = randn(tokens, vocabulary);
        var logits = source.clone();
        double softmax = Enumerable.Range(0, 4).Select(_ =>
        {
            logits.copy_(source);
            return SectionClock.Seconds(() => logits.exp_());
        }).Skip(1).Min();
        var copies = parameters.Select(p => (Value: p.detach().clone(), Mean: randn_like(p), Scale: rand_like(p).add_(1))).ToArray();
        double adam = Enumerable.Range(0, 4).Select(_ => SectionClock.Seconds(() =>
        {
            foreach (var (value, mean, scale) in copies) value.addcdiv_(mean, scale, 1e-9);
        })).Skip(1).Min();
        return (softmax, adam);
    }
}
/// <summary>The LM written directly against TorchSharp: embedding, dropout, LSTM, dropout, tied linear output.</summary>
internal sealed class HandWrittenLm : nn.Module<Tensor, (Tensor, Tensor)?, (Tensor, Tensor, Tensor)>
{
    private readonly Embedding embedding;
    private readonly Dropout dropout;
    private readonly LSTM lstm;
    private readonly Parameter bias;

    /// <summary>Creates the layers (LSTM first, then the embedding, its rows uniform in ±0.1); bias zero.</summary>
    public HandWrittenLm(int vocabularySize, int size, double dropoutProbability) : base(nameof(HandWrittenLm))
    {
        dropout = nn.Dropout(dropoutProbability);
        lstm = nn.LSTM(size, size, batchFirst: true);
        embedding = nn.Embedding(vocabularySize, size);
        using (no_grad()) embedding.weight!.uniform_(-0.1, 0.1);
        bias = new Parameter(zeros(vocabularySize));
        RegisterComponents();
    }

    /// <summary>The embedding, also the output weight.</summary>
    public Embedding Embedding => embedding;

    /// <summary>The dropout on the LSTM's input and output.</summary>
    public Dropout Dropout => dropout;

    /// <summary>The LSTM layer.</summary>
    public LSTM Lstm => lstm;

    /// <summary>The output bias.</summary>
    public Parameter Bias => bias;

    /// <inheritdoc />
    public override (Tensor, Tensor, Tensor) forward(Tensor input, (Tensor, Tensor)? state)
    {
        var (output, h, c) = lstm.forward(dropout.forward(embedding.forward(input)), state);
        return (nn.functional.linear(dropout.forward(output), embedding.weight!, bias), h, c);
    }
}
