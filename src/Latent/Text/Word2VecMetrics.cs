using Latent.Models;

namespace Latent.Text;

/// <summary>Word vectors' held-out figure: the mean negative-sampling loss per (input, output) pair of held-out text.</summary>
/// <param name="HeldOutLoss">Mean loss per pair, in nats.</param>
public sealed record Word2VecMetrics(double HeldOutLoss) : IModelMetrics
{
    /// <inheritdoc />
    public IReadOnlyDictionary<string, double> ToDictionary() => new Dictionary<string, double> { ["test_heldout_loss"] = HeldOutLoss };
}
