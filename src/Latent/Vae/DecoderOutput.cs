namespace Latent.Vae;

/// <summary>Helpers the decoders share for setting the bias of their output from data statistics, whatever the architecture.</summary>
internal static class DecoderOutput
{
    /// <summary>The per-feature mean and (population) variance of <paramref name="data"/> [N, …<paramref name="eventShape"/>], each shaped like one example.</summary>
    public static (Tensor Mean, Tensor Variance) Statistics(Tensor data, long[] eventShape)
    {
        if (data.dim() != eventShape.Length + 1 || !data.shape.Skip(1).SequenceEqual(eventShape) || data.shape[0] < 1)
            throw new LatentException($"decoder bias initialisation needs data of shape [count, {string.Join(", ", eventShape)}], got [{string.Join(", ", data.shape)}]");
        using var noGrad = no_grad();
        var mean = data.mean([0L]);
        var variance = data.shape[0] > 1 ? data.var(0, unbiased: false) : zeros_like(mean);
        return (mean, variance);
    }

    /// <summary>Copies <paramref name="values"/> (shaped like one example) into the output bias of distribution parameter <paramref name="index"/>.</summary>
    public static void SetBias(DecoderNetwork network, int index, Tensor values)
    {
        var bias = network.OutputBias() ?? throw new LatentException("decoder output layer has no bias");
        using var noGrad = no_grad();
        bias.view([network.OutputsPerFeature, .. network.EventShape]).select(0, index).copy_(values.to(bias.dtype, bias.device));
    }
}
