using TorchSharp;
using static TorchSharp.torch;

namespace Latent.Text;

/// <summary>Truncated-BPTT training and perplexity evaluation of an <see cref="LstmLanguageModel"/>.</summary>
public static class LanguageModelTraining
{
    /// <summary>
    /// One training step on chunk <paramref name="index"/>: forward from the carried state, mean cross-entropy over the
    /// chunk, backward, gradient-norm clipping to <paramref name="clipNorm"/>, optimizer step. Returns the loss (nats per
    /// token) and the new state, detached from the graph so that gradients stop at the chunk boundary.
    /// </summary>
    public static (double Loss, (Tensor Hidden, Tensor Cell) State) Step(LstmLanguageModel model, optim.Optimizer optimizer, TokenBatches batches,
        int index, (Tensor Hidden, Tensor Cell)? state, double clipNorm)
    {
        using var scope = NewDisposeScope();
        var (input, target) = batches.Chunk(index);
        optimizer.zero_grad();
        var (logits, next) = model.forward(input, state);
        var loss = nn.functional.cross_entropy(logits.reshape(-1, logits.shape[2]), target.reshape(-1));
        double value = loss.item<float>();
        if (double.IsNaN(value) || double.IsInfinity(value)) throw new LatentException($"training loss became {value} at chunk {index}; lower the learning rate");
        loss.backward();
        nn.utils.clip_grad_norm_(model.parameters().Where(p => p.requires_grad), clipNorm);
        optimizer.step();
        return (value, (next.Hidden.detach().MoveToOuterDisposeScope(), next.Cell.detach().MoveToOuterDisposeScope()));
    }

    /// <summary>One pass over <paramref name="batches"/> in order, the state carried across chunks; returns the mean loss per token.</summary>
    public static double TrainEpoch(LstmLanguageModel model, optim.Optimizer optimizer, TokenBatches batches, double clipNorm, Action<int, double>? onStep = null)
    {
        model.train();
        (Tensor Hidden, Tensor Cell)? state = null;
        double total = 0;
        long tokens = 0;
        for (int i = 0; i < batches.ChunkCount; i++)
        {
            var (loss, next) = Step(model, optimizer, batches, i, state, clipNorm);
            state?.Hidden.Dispose();
            state?.Cell.Dispose();
            state = next;
            long count = batches.ChunkTokens(i);
            total += loss * count;
            tokens += count;
            onStep?.Invoke(i, loss);
        }
        state?.Hidden.Dispose();
        state?.Cell.Dispose();
        return total / tokens;
    }

    /// <summary>
    /// Perplexity exp(−(1/N) Σ log p(wₜ | w&lt;ₜ)) over every predicted token of <paramref name="batches"/>, computed in log
    /// space, in evaluation mode without gradients. <paramref name="logProbabilities"/> maps the model's top-layer outputs
    /// [batch, time, H] to log-probabilities [batch, time, V]; by default it is log-softmax of the output projection.
    /// </summary>
    public static double Perplexity(LstmLanguageModel model, TokenBatches batches, Func<Tensor, Tensor>? logProbabilities = null)
    {
        logProbabilities ??= hidden => nn.functional.log_softmax(model.Project(hidden), -1);
        model.eval();
        using var noGrad = no_grad();
        (Tensor Hidden, Tensor Cell)? state = null;
        double negativeLogLikelihood = 0;
        long tokens = 0;
        for (int i = 0; i < batches.ChunkCount; i++)
        {
            using var scope = NewDisposeScope();
            var (input, target) = batches.Chunk(i);
            var (hidden, next) = model.Hidden(input, state);
            var logP = logProbabilities(hidden);
            negativeLogLikelihood -= logP.gather(2, target.unsqueeze(2)).to(ScalarType.Float64).sum().item<double>();
            tokens += target.numel();
            state?.Hidden.Dispose();
            state?.Cell.Dispose();
            state = (next.Hidden.MoveToOuterDisposeScope(), next.Cell.MoveToOuterDisposeScope());
        }
        state?.Hidden.Dispose();
        state?.Cell.Dispose();
        return Math.Exp(negativeLogLikelihood / tokens);
    }
}
