using TorchSharp.Modules;

namespace Latent.Text;

/// <summary>
/// A language model's output projection, logits = h Wᵀ + b: its own weight W [V, H] (state-dict keys "weight", "bias"), or,
/// when tied, the embedding matrix passed in as <c>tiedWeight</c> (then only "bias" is a parameter of this module).
/// </summary>
internal sealed class OutputProjection : nn.Module<Tensor, Tensor>
{
    private readonly Parameter? weight;
    private readonly Parameter bias;
    private readonly Func<Tensor>? tiedWeight;
    private readonly ProjectedCrossEntropy crossEntropy = new();

    /// <summary>Untied rows uniform in ±<paramref name="initialRange"/>, drawn from the global generator; bias zero.</summary>
    public OutputProjection(int vocabularySize, int hiddenSize, Func<Tensor>? tiedWeight, double initialRange, Device device) : base("projection")
    {
        this.tiedWeight = tiedWeight;
        if (tiedWeight is null) weight = new Parameter(empty(vocabularySize, hiddenSize, device: device).uniform_(-initialRange, initialRange));
        bias = new Parameter(zeros(vocabularySize, device: device));
        RegisterComponents();
    }

    /// <summary>W [V, H].</summary>
    public Tensor Weight => weight ?? tiedWeight!();

    /// <summary>b [V].</summary>
    public Tensor Bias => bias;

    /// <summary>Logits [..., V] of top-layer outputs [..., H].</summary>
    public override Tensor forward(Tensor hidden) => nn.functional.linear(hidden, Weight, bias);

    /// <summary>Mean cross-entropy of <paramref name="targets"/> [...] under the logits of <paramref name="hidden"/> [..., H], without materialising the logits (see <see cref="ProjectedCrossEntropy"/>).</summary>
    public Tensor CrossEntropy(Tensor hidden, Tensor targets) =>
        crossEntropy.Mean(hidden.reshape(-1, hidden.shape[^1]), Weight, bias, targets.reshape(-1));

    /// <inheritdoc />
    protected override void Dispose(bool disposing)
    {
        if (disposing) crossEntropy.Dispose();
        base.Dispose(disposing);
    }
}
