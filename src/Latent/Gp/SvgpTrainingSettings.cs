namespace Latent.Gp;

/// <summary>
/// How <see cref="SvgpTraining"/> maximises an SVGP's ELBO: Adam steps on minibatches at a learning rate, optionally cosine-annealed to
/// <see cref="FinalLearningRate"/>, with natural-gradient steps for q(u) when <see cref="NaturalGradientStep"/> is set.
/// </summary>
public sealed record SvgpTrainingSettings(int Iterations, int BatchSize, double LearningRate)
{
    /// <summary>When set, the learning rate follows a cosine from <see cref="LearningRate"/> at the first step to this value at the last.</summary>
    public double? FinalLearningRate { get; init; }

    /// <summary>When set, q(u) takes natural-gradient steps of this size in (0, 1] and Adam trains the kernel, likelihood and Z.</summary>
    public double? NaturalGradientStep { get; init; }

    /// <summary>Checks every value; a bad one is a one-line <see cref="LatentException"/>.</summary>
    public SvgpTrainingSettings Validate()
    {
        if (Iterations < 0 || BatchSize < 1) throw new LatentException($"SVGP training: iterations must be ≥ 0 and batch size ≥ 1, got {Iterations} and {BatchSize}");
        if (!(LearningRate > 0)) throw new LatentException($"SVGP training: learning rate must be positive, got {LearningRate}");
        if (FinalLearningRate is { } final && !(final > 0)) throw new LatentException($"SVGP training: final learning rate must be positive, got {final}");
        if (NaturalGradientStep is { } gamma) NaturalGradient.CheckStepSize(gamma);
        return this;
    }
}
