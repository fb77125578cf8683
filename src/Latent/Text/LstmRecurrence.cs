using TorchSharp.Modules;

namespace Latent.Text;

/// <summary>
/// Runs an <see cref="LSTM"/> module's layers (its weights, PyTorch's gate order i, f, g, o and its inter-layer dropout) with a
/// hand-written backward pass. The work that does not depend on the recurrence runs as one GEMM over every time step at once with
/// all of libtorch's threads: the input's gate contributions forward, and backward the gradients of both weight matrices and of
/// the input. Only the step-by-step part, a [batch, H] × [H, 4H] product and a few elementwise passes per step, runs on one
/// thread: at a batch of 32 it is too small to gain from a second thread, and on a busy machine the second thread's wait at
/// every one of its hundreds of small operations made libtorch's own LSTM several times slower.
/// </summary>
internal static class LstmRecurrence
{
    /// <summary>Outputs [batch, time, H] of the top layer and the final state [layers, batch, H] of <paramref name="lstm"/> on batch-first <paramref name="input"/>.</summary>
    public static (Tensor Output, Tensor Hidden, Tensor Cell) Forward(LSTM lstm, int layers, Tensor input, (Tensor Hidden, Tensor Cell)? state, double dropout, bool training)
    {
        var parameters = lstm.named_parameters().ToDictionary(p => p.name, p => p.parameter);
        long batch = input.shape[0];
        long size = parameters["weight_hh_l0"].shape[1];
        var (h0, c0) = state ?? (zeros([layers, batch, size], input.dtype, input.device), zeros([layers, batch, size], input.dtype, input.device));
        var x = input;
        var hidden = new Tensor[layers];
        var cell = new Tensor[layers];
        for (int layer = 0; layer < layers; layer++)
        {
            if (layer > 0 && training && dropout > 0) x = nn.functional.dropout(x, dropout, training);
            var outputs = Layer.apply(x, h0[layer], c0[layer], parameters[$"weight_ih_l{layer}"], parameters[$"weight_hh_l{layer}"],
                parameters[$"bias_ih_l{layer}"], parameters[$"bias_hh_l{layer}"]);
            (x, hidden[layer], cell[layer]) = (outputs[0], outputs[1], outputs[2]);
        }
        return (x, stack(hidden), stack(cell));
    }

    /// <summary>One LSTM layer over all time steps: inputs x [B, T, E], h₀, c₀ [B, H], W_ih [4H, E], W_hh [4H, H], b_ih, b_hh [4H]; outputs [B, T, H], h_T, c_T.</summary>
    private sealed class Layer : autograd.MultiTensorFunction<Layer>
    {
        private const string InputGradient = "input gradient";

        public override string Name => "LstmLayer";

        public override List<Tensor> forward(autograd.AutogradContext ctx, params object[] vars)
        {
            var (x, h0, c0) = ((Tensor)vars[0], (Tensor)vars[1], (Tensor)vars[2]);
            var (inputWeight, hiddenWeight, inputBias, hiddenBias) = ((Tensor)vars[3], (Tensor)vars[4], (Tensor)vars[5], (Tensor)vars[6]);
            long batch = x.shape[0], time = x.shape[1], size = hiddenWeight.shape[1];
            var inputs = x.transpose(0, 1).reshape(time * batch, x.shape[2]);
            // gates[t] holds the pre-activations W_ih x_t + b_ih + b_hh (+ W_hh h_{t-1} below), then the activations i, f, g, o
            var gates = addmm(inputBias + hiddenBias, inputs, inputWeight.t(), 1, 1).view(time, batch, 4 * size);
            var h = empty([time + 1, batch, size], x.dtype, x.device);
            var c = empty([time + 1, batch, size], x.dtype, x.device);
            var tanhC = empty([time, batch, size], x.dtype, x.device);
            h[0].copy_(h0);
            c[0].copy_(c0);
            var recurrent = hiddenWeight.t();
            using (new OneThread())
            {
                for (long t = 0; t < time; t++)
                {
                    using var scope = NewDisposeScope();
                    var gate = gates[t];
                    gate.addmm_(h[t], recurrent, 1, 1);
                    gate.narrow(1, 0, 2 * size).sigmoid_();
                    gate.narrow(1, 3 * size, size).sigmoid_();
                    gate.narrow(1, 2 * size, size).tanh_();
                    c[t + 1].copy_(gate.narrow(1, 2 * size, size)).mul_(gate.narrow(1, 0, size)).addcmul_(gate.narrow(1, size, size), c[t], 1);
                    tanhC[t].copy_(c[t + 1]).tanh_();
                    h[t + 1].copy_(tanhC[t]).mul_(gate.narrow(1, 3 * size, size));
                }
            }
            ctx.save_for_backward([inputs, gates, h, c, tanhC, inputWeight, hiddenWeight]);
            ctx.save_data(InputGradient, x.requires_grad);
            return [h.narrow(0, 1, time).transpose(0, 1).contiguous(), h[time].clone(), c[time].clone()];
        }

        public override List<Tensor> backward(autograd.AutogradContext ctx, List<Tensor> grads)
        {
            var saved = ctx.get_saved_variables();
            var (inputs, gates, h, c, tanhC, inputWeight, hiddenWeight) = (saved[0], saved[1], saved[2], saved[3], saved[4], saved[5], saved[6]);
            long time = gates.shape[0], batch = gates.shape[1], size = h.shape[2];
            var outputGradient = grads[0].transpose(0, 1);
            var dh = grads[1].clone();
            var dc = grads[2].clone();
            var (i, f, g, o) = (gates.narrow(2, 0, size), gates.narrow(2, size, size), gates.narrow(2, 2 * size, size), gates.narrow(2, 3 * size, size));
            // Per step, the pre-activation gradients are dc·[g·σ'(i), c_{t-1}·σ'(f), i·tanh'(g)] and dh·tanh(c_t)·σ'(o), and dc
            // gains dh·o·tanh'(c_t); every factor but dh and dc is known before the loop, so it is computed for all steps at once.
            var factors = gates.square().neg_().add_(gates);
            factors.narrow(2, 0, size).mul_(g);
            factors.narrow(2, size, size).mul_(c.narrow(0, 0, time));
            factors.narrow(2, 2 * size, size).copy_(g).pow_(2).neg_().add_(1).mul_(i);
            factors.narrow(2, 3 * size, size).mul_(tanhC);
            var cellFactor = tanhC.square().neg_().add_(1).mul_(o);
            var gateGradients = empty_like(gates);
            using (new OneThread())
            {
                for (long t = time - 1; t >= 0; t--)
                {
                    using var scope = NewDisposeScope();
                    var step = gateGradients[t];
                    dh.add_(outputGradient[t]);
                    step.narrow(1, 3 * size, size).copy_(dh).mul_(factors[t].narrow(1, 3 * size, size));
                    dc.addcmul_(dh, cellFactor[t], 1);
                    step.narrow(1, 0, 3 * size).view(batch, 3, size).copy_(dc.unsqueeze(1)).mul_(factors[t].narrow(1, 0, 3 * size).view(batch, 3, size));
                    dc.mul_(f[t]);
                    dh = step.mm(hiddenWeight).MoveToOuterDisposeScope();
                }
            }
            var flat = gateGradients.view(time * batch, 4 * size);
            var inputWeightGradient = flat.t().mm(inputs);
            var hiddenWeightGradient = flat.t().mm(h.narrow(0, 0, time).reshape(time * batch, size));
            var biasGradient = flat.sum(dim: 0);
            var inputGradient = (bool)ctx.get_data(InputGradient) ? flat.mm(inputWeight).view(time, batch, -1).transpose(0, 1) : null;
            return [inputGradient!, dh, dc, inputWeightGradient, hiddenWeightGradient, biasGradient, biasGradient.clone()];
        }
    }
}
