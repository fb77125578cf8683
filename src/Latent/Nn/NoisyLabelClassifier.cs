namespace Latent.Nn;

/// <summary>A base classifier f(x) (logits) followed by an optional noise layer: forward gives log p(ỹ | x) = log(Q · softmax(f(x))).</summary>
public sealed class NoisyLabelClassifier : nn.Module<Tensor, Tensor>
{
    private readonly nn.Module<Tensor, Tensor> classifier;
    private readonly NoiseAdaptation? noise;

    /// <summary>Wraps <paramref name="classifier"/>; with <paramref name="noise"/> null the model is the plain classifier.</summary>
    public NoisyLabelClassifier(nn.Module<Tensor, Tensor> classifier, NoiseAdaptation? noise) : base(nameof(NoisyLabelClassifier))
    {
        this.classifier = classifier;
        this.noise = noise;
        RegisterComponents();
    }

    /// <summary>The base classifier, whose softmax estimates the clean-label distribution.</summary>
    public nn.Module<Tensor, Tensor> Classifier => classifier;

    /// <summary>The noise layer, or null for the plain classifier.</summary>
    public NoiseAdaptation? Noise => noise;

    /// <summary>Clean-class log-probabilities log softmax(f(x)) [B, C] (an MLP sees the examples flattened).</summary>
    public Tensor CleanLogProbabilities(Tensor inputs) => Logits(inputs).log_softmax(1);

    /// <summary>The base classifier's logits f(x) [B, C] (an MLP sees the examples flattened).</summary>
    public Tensor Logits(Tensor inputs) => classifier.call(classifier is Mlp ? inputs.flatten(1) : inputs);

    /// <summary>Noisy-label log-probabilities [B, C].</summary>
    public override Tensor forward(Tensor inputs)
    {
        var clean = CleanLogProbabilities(inputs);
        return noise is null ? clean : noise.call(clean);
    }

    /// <summary>Mean negative log-likelihood of the observed (noisy) labels plus traceWeight · tr(Q).</summary>
    public Tensor Loss(Tensor inputs, Tensor noisyLabels, double traceWeight)
    {
        var nll = -forward(inputs).gather(1, noisyLabels.unsqueeze(1)).mean();
        return noise is null || traceWeight == 0 ? nll : nll + noise.Trace() * traceWeight;
    }
}
