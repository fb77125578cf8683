namespace Latent.Text;

/// <summary>Word vectors' held-out figure: the mean loss per prediction of held-out text, of the model's own kind (see <see cref="Word2Vec.HeldOutLoss"/>).</summary>
/// <param name="HeldOutLoss">Mean loss per prediction, in nats.</param>
public sealed record Word2VecMetrics(double HeldOutLoss) : IModelMetrics
{
    /// <inheritdoc />
    public IReadOnlyDictionary<string, double> ToDictionary() => new Dictionary<string, double> { ["test_heldout_loss"] = HeldOutLoss };
}
