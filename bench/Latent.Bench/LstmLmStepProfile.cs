using Latent.Text;
using TorchSharp;
using static TorchSharp.torch;

namespace Latent.Bench;

/// <summary>
/// Where an LSTM LM training step's time goes: the hand-written step cut into timed sections, its backward pass split at the
/// logits and at the LSTM's output (detached leaves whose gradients are handed on by hand), beside the step's arithmetic, the
/// projection's three GEMMs alone in both weight layouts, and the floor that the measured matmul peak sets.
/// </summary>
internal static class LstmLmStepProfile
{
    private static readonly string[] Sections =
    [
        "embedding + dropout", "LSTM forward", "dropout + projection forward", "cross-entropy forward + item",
        "backward: cross-entropy", "backward: projection (2 GEMMs + bias)", "backward: LSTM + embedding",
        "zero_grad", "clip_grad_norm", "Adam step", "dispose scope",
    ];

    /// <summary>Arithmetic of one step per token: the projection's forward and two gradient GEMMs, and the LSTM's gate GEMMs forward and backward.</summary>
    public static (double Projection, double Lstm) FlopsPerToken(int vocabulary, int embedding, int hidden) =>
        (3 * 2.0 * hidden * vocabulary, 3 * 2.0 * 4 * hidden * (embedding + hidden));

    /// <summary>Times <paramref name="steps"/> steps of the hand-written model on the first chunks of <paramref name="batches"/> and prints the breakdown.</summary>
    public static void Print(TokenBatches batches, int vocabulary, int size, double dropout, int steps, double peakGflops)
    {
        manual_seed(3);
        var embedding = nn.Embedding(vocabulary, size);
        using (no_grad()) embedding.weight!.uniform_(-0.1, 0.1);
        var drop = nn.Dropout(dropout);
        var lstm = nn.LSTM(size, size, batchFirst: true);
        var bias = new TorchSharp.Modules.Parameter(zeros(vocabulary));
        var parameters = embedding.parameters().Concat(lstm.parameters()).Append(bias).ToArray();
        using var optimizer = optim.Adam(parameters, 2e-3);
        var clock = new SectionClock(Sections);
        var (firstInput, _) = batches.Chunk(0);
        long tokens = firstInput.numel();
        for (int step = -3; step < steps; step++)
        {
            if (step == 0) clock.Reset();
            var (input, target) = batches.Chunk(Math.Max(step, 0) % batches.ChunkCount);
            clock.Start();
            var scope = NewDisposeScope();
            var embedded = drop.forward(embedding.forward(input));
            clock.Lap(0);
            var (output, _, _) = lstm.forward(embedded, null);
            clock.Lap(1);
            var outputLeaf = output.detach().requires_grad_(true);
            var logits = nn.functional.linear(drop.forward(outputLeaf), embedding.weight!, bias);
            clock.Lap(2);
            var logitsLeaf = logits.detach().requires_grad_(true);
            var loss = nn.functional.cross_entropy(logitsLeaf.reshape(-1, vocabulary), target.reshape(-1));
            loss.item<float>();
            clock.Lap(3);
            optimizer.zero_grad();
            clock.Lap(7);
            loss.backward();
            clock.Lap(4);
            logits.backward([logitsLeaf.grad!]);
            clock.Lap(5);
            output.backward([outputLeaf.grad!]);
            clock.Lap(6);
            nn.utils.clip_grad_norm_(parameters, 1.0);
            clock.Lap(8);
            optimizer.step();
            clock.Lap(9);
            scope.Dispose();
            clock.Lap(10);
        }
        var (projection, recurrent) = FlopsPerToken(vocabulary, size, size);
        double stepFlops = (projection + recurrent) * tokens;
        Console.WriteLine($"profile of the hand-written step [{Word2VecBrownWorkload.Load()}], mean of {steps} steps, {get_num_threads()} libtorch thread(s):");
        clock.Print();
        Console.WriteLine($"  {"total",-36} {clock.Total * 1e3,8:F2} ms = {tokens / clock.Total:N0} tokens/s = {stepFlops / clock.Total / 1e9:F1} GFLOP/s = {stepFlops / clock.Total / 1e9 / peakGflops:P0} of peak");
        Console.WriteLine($"  arithmetic per token: projection {projection / 1e6:F1} MFLOP (forward + 2 gradient GEMMs), LSTM gates {recurrent / 1e6:F1} MFLOP; per step ({tokens} tokens) {stepFlops / 1e9:F1} GFLOP, at the measured peak {stepFlops / peakGflops / 1e6:F1} ms (floor {tokens / (stepFlops / peakGflops / 1e9):N0} tokens/s)");
        PrintGemms(tokens, vocabulary, size, peakGflops);
    }

    private static void PrintGemms(long tokens, int vocabulary, int size, double peakGflops)
    {
        using var scope = NewDisposeScope();
        var h = randn(tokens, size);
        var w = randn(vocabulary, size);
        var wt = w.t().contiguous();
        var g = randn(tokens, vocabulary);
        double flops = 2.0 * tokens * size * vocabulary;
        var gemms = new (string Name, Func<Tensor> Run)[]
        {
            ("logits = linear(h, W[V,H])", () => nn.functional.linear(h, w)),
            ("logits = h.matmul(Wt[H,V])", () => h.matmul(wt)),
            ("grad h = G.matmul(W[V,H])", () => g.matmul(w)),
            ("grad h = G.matmul(Wt.t())", () => g.matmul(wt.t())),
            ("grad W = G.t().matmul(h) [V,H]", () => g.t().matmul(h)),
            ("grad Wt = h.t().matmul(G) [H,V]", () => h.t().matmul(g)),
        };
        Console.WriteLine($"  the projection's GEMMs alone ({tokens}×{size}×{vocabulary}, {flops / 1e9:F2} GFLOP each), best of 3:");
        foreach (var (name, run) in gemms)
        {
            run().Dispose();
            double best = Enumerable.Range(0, 3).Min(_ => SectionClock.Seconds(() => run().Dispose()));
            Console.WriteLine($"    {name,-34} {best * 1e3,7:F2} ms = {flops / best / 1e9:F1} GFLOP/s = {flops / best / 1e9 / peakGflops:P0} of peak");
        }
    }
}
