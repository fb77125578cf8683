namespace Latent.Vae;

/// <summary>
/// The network inside a decoder, built by an <see cref="IVaeArchitecture"/>: <see cref="Module"/> maps codes [.., <see cref="CodeSize"/>] to
/// <see cref="OutputsPerFeature"/> × the event's features per code, laid out as [P, …event] (an MLP's flat [P·D] or a convolution's
/// [P·C, H, W]); <see cref="OutputBias"/> returns the bias added last, with as many entries in the same order. The decoder reads them as
/// the parameters of its distribution (logits; or means, then log-variances).
/// </summary>
/// <param name="Module">The network; its weights are saved under the decoder's "network." keys.</param>
/// <param name="OutputBias">The bias added last (a parameter of <paramref name="Module"/>), for starting it at data statistics.</param>
/// <param name="CodeSize">Width of its input.</param>
/// <param name="EventShape">The shape of one example.</param>
/// <param name="OutputsPerFeature">Distribution parameters per feature P.</param>
public sealed record DecoderNetwork(nn.Module<Tensor, Tensor> Module, Func<Tensor> OutputBias, int CodeSize, long[] EventShape, int OutputsPerFeature)
{
    /// <summary>The network's outputs for codes <paramref name="z"/> [.., CodeSize], shaped [.., P, …event].</summary>
    public Tensor Parameters(Tensor z) =>
        Module.forward(z).reshape([.. z.shape[..^1], OutputsPerFeature, .. EventShape]);

    /// <summary>Parameter <paramref name="index"/> of every feature from <see cref="Parameters"/>, shaped [.., …event].</summary>
    public Tensor Select(Tensor parameters, int index) => parameters.select(-EventShape.Length - 1, index);
}
