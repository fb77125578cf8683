using Latent.Nn;

namespace Latent.Vae;

/// <summary>Helpers the decoders share for setting the bias of their output layer from data statistics.</summary>
internal static class DecoderOutput
{
    /// <summary>The per-feature mean and (population) variance of <paramref name="data"/> [N, <paramref name="features"/>], checked for shape.</summary>
    public static (Tensor Mean, Tensor Variance) Statistics(Tensor data, int features)
    {
        if (data.dim() != 2 || data.shape[1] != features || data.shape[0] < 1)
            throw new LatentException($"decoder bias initialisation needs data of shape [count, {features}], got [{string.Join(", ", data.shape)}]");
        using var noGrad = no_grad();
        var mean = data.mean([0L]);
        var variance = data.shape[0] > 1 ? data.var(0, unbiased: false) : zeros_like(mean);
        return (mean, variance);
    }

    /// <summary>Copies <paramref name="values"/> into the output bias entries from <paramref name="offset"/> on.</summary>
    public static void SetBias(Mlp network, long offset, Tensor values)
    {
        var bias = network.OutputLayer.bias ?? throw new LatentException("decoder output layer has no bias");
        using var noGrad = no_grad();
        bias.narrow(0, offset, values.shape[0]).copy_(values.to(bias.dtype, bias.device));
    }
}
