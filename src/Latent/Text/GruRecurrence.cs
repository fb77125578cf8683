using TorchSharp.Modules;

namespace Latent.Text;

/// <summary>
/// Runs a <see cref="GRU"/> module's layers (its weights, PyTorch's gate order r, z, n, and its inter-layer dropout) with a hand-written
/// backward pass: the input's gate contributions and every weight gradient are GEMMs over all time steps at once; only the
/// [batch, H] × [H, 3H] recurrence runs step by step, on one thread. (The LSTM needs none of this: libtorch runs it through oneDNN's
/// RNN primitive, which measured faster than a hand-written recurrence both on a quiet machine and beside busy processes.)
/// PyTorch's GRU: r = σ(W_ir x + b_ir + W_hr h + b_hr), z = σ(W_iz x + b_iz + W_hz h + b_hz), n = tanh(W_in x + b_in + r ⊙ (W_hn h + b_hn)),
/// h' = (1 − z) ⊙ n + z ⊙ h.
/// </summary>
internal static class GruRecurrence
{
    /// <summary>Outputs [batch, time, H] of the top layer and the final hidden state [layers, batch, H] of <paramref name="gru"/> on batch-first <paramref name="input"/>.</summary>
    public static (Tensor Output, Tensor Hidden) Forward(GRU gru, int layers, Tensor input, Tensor? state, double dropout, bool training)
    {
        var parameters = gru.named_parameters().ToDictionary(p => p.name, p => p.parameter);
        long batch = input.shape[0];
        long size = parameters["weight_hh_l0"].shape[1];
        var h0 = state ?? zeros([layers, batch, size], input.dtype, input.device);
        var x = input;
        var hidden = new Tensor[layers];
        for (int layer = 0; layer < layers; layer++)
        {
            if (layer > 0 && training && dropout > 0) x = nn.functional.dropout(x, dropout, training);
            var outputs = Layer.apply(x, h0[layer], parameters[$"weight_ih_l{layer}"], parameters[$"weight_hh_l{layer}"],
                parameters[$"bias_ih_l{layer}"], parameters[$"bias_hh_l{layer}"]);
            (x, hidden[layer]) = (outputs[0], outputs[1]);
        }
        return (x, stack(hidden));
    }

    /// <summary>One GRU layer over all time steps: inputs x [B, T, E], h₀ [B, H], W_ih [3H, E], W_hh [3H, H], b_ih, b_hh [3H]; outputs [B, T, H] and h_T.</summary>
    private sealed class Layer : autograd.MultiTensorFunction<Layer>
    {
        private const string InputGradient = "input gradient";

        public override string Name => "GruLayer";

        public override List<Tensor> forward(autograd.AutogradContext ctx, params object[] vars)
        {
            var (x, h0) = ((Tensor)vars[0], (Tensor)vars[1]);
            var (inputWeight, hiddenWeight, inputBias, hiddenBias) = ((Tensor)vars[2], (Tensor)vars[3], (Tensor)vars[4], (Tensor)vars[5]);
            long batch = x.shape[0], time = x.shape[1], size = hiddenWeight.shape[1];
            var inputs = x.transpose(0, 1).reshape(time * batch, x.shape[2]);
            // gates[t] holds W_ih x_t + b_ih, then the activations r, z, n; hiddenGates[t] holds W_hh h_{t-1} + b_hh (its n part is needed backward)
            var gates = addmm(inputBias, inputs, inputWeight.t(), 1, 1).view(time, batch, 3 * size);
            var hiddenGates = hiddenBias.expand(time, batch, 3 * size).contiguous();
            var h = empty([time + 1, batch, size], x.dtype, x.device);
            h[0].copy_(h0);
            var recurrent = hiddenWeight.t();
            using (new OneThread())
            {
                for (long t = 0; t < time; t++)
                {
                    using var scope = NewDisposeScope();
                    var (gate, hiddenGate) = (gates[t], hiddenGates[t]);
                    hiddenGate.addmm_(h[t], recurrent, 1, 1);
                    var resetAndUpdate = gate.narrow(1, 0, 2 * size).add_(hiddenGate.narrow(1, 0, 2 * size)).sigmoid_();
                    var candidate = gate.narrow(1, 2 * size, size).addcmul_(resetAndUpdate.narrow(1, 0, size), hiddenGate.narrow(1, 2 * size, size), 1).tanh_();
                    h[t + 1].copy_(h[t]).sub_(candidate).mul_(resetAndUpdate.narrow(1, size, size)).add_(candidate);
                }
            }
            ctx.save_for_backward([inputs, gates, hiddenGates, h, inputWeight, hiddenWeight]);
            ctx.save_data(InputGradient, x.requires_grad);
            return [h.narrow(0, 1, time).transpose(0, 1).contiguous(), h[time].clone()];
        }

        public override List<Tensor> backward(autograd.AutogradContext ctx, List<Tensor> grads)
        {
            var saved = ctx.get_saved_variables();
            var (inputs, gates, hiddenGates, h, inputWeight, hiddenWeight) = (saved[0], saved[1], saved[2], saved[3], saved[4], saved[5]);
            long time = gates.shape[0], batch = gates.shape[1], size = h.shape[2];
            var outputGradient = grads[0].transpose(0, 1);
            var dh = grads[1].clone();
            var (r, z, n) = (gates.narrow(2, 0, size), gates.narrow(2, size, size), gates.narrow(2, 2 * size, size));
            var previous = h.narrow(0, 0, time);
            // With dh the gradient reaching h_t: ∂n_pre = dh·(1 − z)(1 − n²), ∂z_pre = dh·(h_{t−1} − n)·z(1 − z), ∂r_pre = ∂n_pre·(W_hn h + b_hn)·r(1 − r),
            // and h_{t−1} receives dh·z plus the hidden-side pre-activation gradients [∂r_pre, ∂z_pre, ∂n_pre·r] times W_hh. Every factor but dh is
            // known before the loop, so it is computed for all steps at once.
            var candidateFactor = n.square().neg_().add_(1).mul_(z.neg().add_(1));
            var updateFactor = (previous - n).mul_(z).mul_(z.neg().add_(1));
            var resetFactor = r.neg().add_(1).mul_(r).mul_(hiddenGates.narrow(2, 2 * size, size));
            var gateGradients = empty_like(gates);
            var hiddenGradients = empty_like(gates);
            using (new OneThread())
            {
                for (long t = time - 1; t >= 0; t--)
                {
                    using var scope = NewDisposeScope();
                    var (step, hiddenStep) = (gateGradients[t], hiddenGradients[t]);
                    dh.add_(outputGradient[t]);
                    var candidate = step.narrow(1, 2 * size, size).copy_(dh).mul_(candidateFactor[t]);
                    step.narrow(1, size, size).copy_(dh).mul_(updateFactor[t]);
                    step.narrow(1, 0, size).copy_(candidate).mul_(resetFactor[t]);
                    hiddenStep.narrow(1, 0, 2 * size).copy_(step.narrow(1, 0, 2 * size));
                    hiddenStep.narrow(1, 2 * size, size).copy_(candidate).mul_(r[t]);
                    dh = hiddenStep.mm(hiddenWeight).addcmul_(dh, z[t], 1).MoveToOuterDisposeScope();
                }
            }
            var flat = gateGradients.view(time * batch, 3 * size);
            var hiddenFlat = hiddenGradients.view(time * batch, 3 * size);
            var inputWeightGradient = flat.t().mm(inputs);
            var hiddenWeightGradient = hiddenFlat.t().mm(previous.reshape(time * batch, size));
            var inputGradient = (bool)ctx.get_data(InputGradient) ? flat.mm(inputWeight).view(time, batch, -1).transpose(0, 1) : null;
            return [inputGradient!, dh, inputWeightGradient, hiddenWeightGradient, flat.sum(dim: 0), hiddenFlat.sum(dim: 0)];
        }
    }
}
