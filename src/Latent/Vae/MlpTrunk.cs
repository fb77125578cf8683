using TorchSharp;
using TorchSharp.Modules;
using static TorchSharp.torch;

namespace Latent.Vae;

/// <summary>Builds the hidden layers shared by encoders and decoders: Linear + ReLU for each hidden size.</summary>
internal static class MlpTrunk
{
    /// <summary>Linear/ReLU pairs named fc0, relu0, fc1, ...; the identity when there are no hidden layers.</summary>
    public static Sequential Create(int inputSize, IReadOnlyList<int> hiddenSizes, Device? device, ScalarType dtype)
    {
        if (inputSize <= 0) throw new LatentException($"layer input size must be positive, got {inputSize}");
        if (hiddenSizes.Count == 0) return nn.Sequential(("identity", nn.Identity()));
        var layers = new List<(string, nn.Module<Tensor, Tensor>)>();
        int width = inputSize;
        for (int i = 0; i < hiddenSizes.Count; i++)
        {
            if (hiddenSizes[i] <= 0) throw new LatentException($"hidden layer sizes must be positive, got {hiddenSizes[i]}");
            layers.Add(($"fc{i}", nn.Linear(width, hiddenSizes[i], device: device, dtype: dtype)));
            layers.Add(($"relu{i}", nn.ReLU()));
            width = hiddenSizes[i];
        }
        return nn.Sequential(layers);
    }

    /// <summary>The width of the trunk's output.</summary>
    public static int OutputWidth(int inputSize, IReadOnlyList<int> hiddenSizes) =>
        hiddenSizes.Count == 0 ? inputSize : hiddenSizes[^1];

    /// <summary>
    /// Sets <paramref name="layer"/>'s bias to logit(dataMean) (clamped to [1e-3, 1 − 1e-3]) so that a sigmoid of its output starts
    /// at the data mean; checks that dataMean has one entry per output.
    /// </summary>
    public static void SetBiasToLogitOf(Linear layer, Tensor dataMean)
    {
        var bias = layer.bias ?? throw new LatentException("decoder output layer has no bias");
        if (dataMean.dim() != 1 || dataMean.shape[0] != bias.shape[0])
            throw new LatentException($"data mean must be a vector of {bias.shape[0]} values, got [{string.Join(", ", dataMean.shape)}]");
        using var noGrad = no_grad();
        using var p = dataMean.to(bias.dtype, bias.device).clamp(1e-3, 1 - 1e-3);
        using var logit = p.log() - (1 - p).log();
        bias.copy_(logit);
    }
}
