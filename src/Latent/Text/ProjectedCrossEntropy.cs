namespace Latent.Text;

/// <summary>
/// Mean cross-entropy of an output projection's full softmax, −(1/N) Σₙ log softmax(W hₙ + b)[yₙ], computed a block of rows at a
/// time in one reused buffer, so that the [N, V] logits, log-probabilities and their gradients are never allocated: glibc hands
/// blocks of 32 MiB and more back to the system when they are freed (<see cref="NativeHeap"/>), so every fresh 60 MB tensor pays
/// tens of milliseconds of page faults, more than a pass over a warm one. When gradients are wanted, they are computed in the same
/// pass (for each block, softmax − one-hot gives the logits' gradient, then two GEMMs) and the backward pass only scales them.
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

    /// <summary>The reused [rows, V] buffer: as many rows of the batch as fit in <see cref="BlockElements"/>.</summary>
    private Tensor Block(long rows, long vocabulary, ScalarType dtype, Device device)
    {
        rows = Math.Clamp(BlockElements / vocabulary, 1, rows);
        if (block is null || block.shape[0] < rows || block.shape[1] != vocabulary || block.dtype != dtype || block.device != device)
        {
            block?.Dispose();
            block = empty([rows, vocabulary], dtype, device).DetachFromDisposeScope();
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
            long rows = buffer.shape[0];
            var total = zeros(1, ScalarType.Float64, hidden.device);
            var hiddenGradient = gradients && hidden.requires_grad ? empty_like(hidden) : null;
            var weightGradient = gradients && weight.requires_grad ? zeros_like(weight) : null;
            var biasGradient = gradients && bias.requires_grad ? zeros_like(bias) : null;
            var transposed = weight.t();
            for (long start = 0; start < n; start += rows)
            {
                using var scope = NewDisposeScope();
                long count = Math.Min(rows, n - start);
                var logits = buffer.narrow(0, 0, count);
                var input = hidden.narrow(0, start, count);
                var target = targets.narrow(0, start, count).unsqueeze(1);
                logits.copy_(bias.expand(count, vocabulary));
                logits.addmm_(input, transposed, 1, 1);
                var picked = logits.gather(1, target);
                var max = logits.amax([1], keepdim: true);
                var sum = logits.sub_(max).exp_().sum(1, keepdim: true);
                total.add_((sum.log() + max - picked).sum().to(ScalarType.Float64));
                if (!gradients) continue;
                // the logits' gradient of the mean: (softmax − one-hot) / N, in place
                logits.div_(sum.mul_(n));
                logits.scatter_add_(1, target, full([count, 1], -1.0 / n, hidden.dtype, hidden.device));
                hiddenGradient?.narrow(0, start, count).copy_(logits.mm(weight));
                weightGradient?.addmm_(logits.t(), input, 1, 1);
                biasGradient?.add_(logits.sum(dim: 0));
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
