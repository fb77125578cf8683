namespace Latent.Text;

/// <summary>Perplexity evaluation of an <see cref="LstmLanguageModel"/> (training goes through <see cref="TruncatedBptt"/> and the foundation's trainer).</summary>
public static class LanguageModelEvaluation
{
    /// <summary>
    /// Perplexity exp(−(1/N) Σ log p(wₜ | w&lt;ₜ)) over every predicted token of <paramref name="batches"/>, computed in log
    /// space, in evaluation mode without gradients. <paramref name="logProbabilities"/> maps the model's top-layer outputs
    /// [batch, time, H] to log-probabilities [batch, time, V]; by default it is log-softmax of the output projection.
    /// <paramref name="stop"/> is checked before each chunk (<see cref="Training.PhaseInterruptedException"/>).
    /// </summary>
    public static double Perplexity(LstmLanguageModel model, TokenBatches batches, Func<Tensor, Tensor>? logProbabilities = null, CancellationToken stop = default)
    {
        logProbabilities ??= hidden => nn.functional.log_softmax(model.Project(hidden), -1);
        var (negativeLogLikelihood, tokens) = SumOverChunks(model, batches,
            (hidden, target) => -logProbabilities(hidden).gather(2, target.unsqueeze(2)).to(ScalarType.Float64).sum().item<double>(), stop);
        return Math.Exp(negativeLogLikelihood / tokens);
    }

    /// <summary>
    /// Fraction of predicted tokens of <paramref name="batches"/> whose word is the one <paramref name="decode"/> picks from the
    /// model's top-layer outputs [batch, time, H] → [batch, time] (for example greedy argmax of the logits, or the nearest embedding);
    /// <paramref name="stop"/> is checked before each chunk.
    /// </summary>
    public static double Accuracy(LstmLanguageModel model, TokenBatches batches, Func<Tensor, Tensor> decode, CancellationToken stop = default)
    {
        var (correct, tokens) = SumOverChunks(model, batches, (hidden, target) => decode(hidden).eq(target).sum().item<long>(), stop);
        return correct / tokens;
    }

    /// <summary>
    /// Runs the model over the chunks in order, in evaluation mode without gradients, carrying the LSTM state from chunk to chunk,
    /// and sums <paramref name="measure"/>(top-layer outputs, targets) over the chunks; also returns the number of predicted tokens.
    /// <paramref name="stop"/> is checked before each chunk.
    /// </summary>
    private static (double Sum, long Tokens) SumOverChunks(LstmLanguageModel model, TokenBatches batches, Func<Tensor, Tensor, double> measure, CancellationToken stop)
    {
        model.eval();
        using var noGrad = no_grad();
        (Tensor Hidden, Tensor Cell)? state = null;
        double sum = 0;
        long tokens = 0;
        for (int i = 0; i < batches.ChunkCount; i++)
        {
            if (stop.IsCancellationRequested)
            {
                state?.Hidden.Dispose();
                state?.Cell.Dispose();
                throw new Training.PhaseInterruptedException("the perplexity evaluation");
            }
            using var scope = NewDisposeScope();
            var (input, target) = batches.Chunk(i);
            var (hidden, next) = model.Hidden(input, state);
            sum += measure(hidden, target);
            tokens += target.numel();
            state?.Hidden.Dispose();
            state?.Cell.Dispose();
            state = (next.Hidden.MoveToOuterDisposeScope(), next.Cell.MoveToOuterDisposeScope());
        }
        state?.Hidden.Dispose();
        state?.Cell.Dispose();
        return (sum, tokens);
    }
}
