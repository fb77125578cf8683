namespace Latent.Text;

/// <summary>
/// Mean cross-entropy of an output projection's full softmax, −(1/N) Σₙ log softmax(W hₙ + b)[yₙ], computed a block of rows at a
/// time in one reused buffer, so that the [N, V] logits, log-probabilities and their gradients are never allocated: glibc hands
/// blocks of 32 MiB and more back to the system when they are freed (<see cref="NativeHeap"/>), so every fresh 60 MB tensor pays
/// tens of milliseconds of page faults, more than a pass over a warm one. When gradients are wanted, they are computed in the same
/// pass (for each block, softmax − one-hot gives the logits' gradient, then two GEMMs) and the backward pass only scales them.
/// A block holds its logits transposed, [V, rows] = W hᵀ: with V in the thousands and H in the hundreds, that product runs near
/// the matmul peak where h Wᵀ runs at about four fifths of it (lstm-lm-throughput prints both layouts), and the two gradient
/// products are as fast in either layout.
/// The result is the exact softmax cross-entropy, the same as cross_entropy(linear(h, W, b), y) up to float rounding.
/// </summary>
internal sealed class ProjectedCrossEntropy : IDisposable
{
    /// <summary>Upper bound on the block buffer (float32 elements), 64 MiB.</summary>
    private const long BlockElements = 16L << 20;

    private Tensor? block;

    /// <summary>The mean cross-entropy of <paramref name="targets"/> [N] (int64) under logits <paramref name="hidden"/> [N, H] · <paramref name="weight"/>ᵀ [H, V] + <paramref name="bias"/> [V].</summary>
    public Tensor Mean(Tensor hidden, Tensor weight, Tensor bias, Tensor targets)
    {
        bool gradients = is_grad_enabled() && (hidden.requires_grad || weight.requires_grad || bias.requires_grad);
        return Function.apply(hidden, weight, bias, targets, this, gradients);
    }

    /// <summary>Frees the block buffer.</summary>
    public void Dispose()
    {
        block?.Dispose();
        block = null;
    }

    /// <summary>The reused buffer of <see cref="BlockElements"/> at most: room for the [V, rows] logits of as many rows of the batch as fit.</summary>
    private Tensor Block(long rows, long vocabulary, ScalarType dtype, Device device)
    {
        long elements = Math.Clamp(BlockElements / vocabulary, 1, rows) * vocabulary;
        if (block is null || block.shape[0] < elements || block.dtype != dtype || block.device != device)
        {
            block?.Dispose();
            block = empty([elements], dtype, device).DetachFromDisposeScope();
        }
        return block;
    }

    /// <summary>The autograd node: forward computes the loss (and, in training, the gradients); backward scales them.</summary>
    private sealed class Function : autograd.SingleTensorFunction<Function>
    {
        public override string Name => nameof(ProjectedCrossEntropy);

        public override Tensor forward(autograd.AutogradContext ctx, params object[] vars)
        {
            var (hidden, weight, bias, targets) = ((Tensor)vars[0], (Tensor)vars[1], (Tensor)vars[2], (Tensor)vars[3]);
            var owner = (ProjectedCrossEntropy)vars[4];
            bool gradients = (bool)vars[5];
            long n = hidden.shape[0], vocabulary = weight.shape[0];
            var buffer = owner.Block(n, vocabulary, hidden.dtype, hidden.device);
            long rows = buffer.shape[0] / vocabulary;
            var total = zeros(1, ScalarType.Float64, hidden.device);
            var hiddenGradient = gradients && hidden.requires_grad ? empty_like(hidden) : null;
            var weightGradient = gradients && weight.requires_grad ? zeros_like(weight) : null;
            var biasGradient = gradients && bias.requires_grad ? zeros_like(bias) : null;
            var column = bias.unsqueeze(1);
            for (long start = 0; start < n; start += rows)
            {
                using var scope = NewDisposeScope();
                long count = Math.Min(rows, n - start);
                // the block's logits transposed, [V, count], contiguous at the start of the buffer
                var logits = buffer.narrow(0, 0, vocabulary * count).view(vocabulary, count);
                var input = hidden.narrow(0, start, count);
                var target = targets.narrow(0, start, count).unsqueeze(0);
                logits.copy_(column.expand(vocabulary, count));
                logits.addmm_(weight, input.t(), 1, 1);
                var picked = logits.gather(0, target);
                var max = logits.amax([0], keepdim: true);
                var sum = logits.sub_(max).exp_().sum(0, keepdim: true);
                total.add_((sum.log() + max - picked).sum().to(ScalarType.Float64));
                if (!gradients) continue;
                // the logits' gradient of the mean: (softmax − one-hot) / N, in place
                logits.div_(sum.mul_(n));
                logits.scatter_add_(0, target, full([1, count], -1.0 / n, hidden.dtype, hidden.device));
                hiddenGradient?.narrow(0, start, count).copy_(logits.t().mm(weight));
                weightGradient?.addmm_(logits, input, 1, 1);
                biasGradient?.add_(logits.sum(dim: 1));
            }
            if (gradients) ctx.save_for_backward([hiddenGradient!, weightGradient!, biasGradient!]);
            return total.div_(n).to(hidden.dtype).squeeze();
        }

        public override List<Tensor> backward(autograd.AutogradContext ctx, Tensor grad)
        {
            bool unit = grad.to(ScalarType.Float64).item<double>() == 1.0;
            var result = ctx.get_saved_variables().Select(g => g is null || unit ? g! : g.mul(grad)).ToList();
            result.AddRange([null!, null!, null!]);
            return result;
        }
    }
}
