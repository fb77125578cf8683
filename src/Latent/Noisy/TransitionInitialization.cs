namespace Latent.Noisy;

/// <summary>Where a learned Q starts when its frozen epochs end.</summary>
public enum TransitionInitialization
{
    /// <summary>Q stays at the near-identity start it was held at (<see cref="NoisyTrainingOptions.InitialOffDiagonal"/>).</summary>
    Identity,

    /// <summary>
    /// Q is set to T estimated from the classifier's own predictions after the frozen epochs (see <see cref="Nn.TransitionEstimator"/>):
    /// a learned Q started near T recovers it, as Goldberger and Ben-Reuven (2017) initialise their noise adaptation layer from the
    /// confusion matrix of a network trained on the noisy labels, and as Patrini et al. (2017) estimate T from such a network. Started
    /// at the identity, Q stays there: during the frozen epochs the classifier learns to predict the noisy labels, and Q = I beside such a
    /// classifier already maximises the noisy-label likelihood, so its gradient does not point towards T.
    /// </summary>
    Estimated,
}

/// <summary>The Q initialisations by name, as the CLI and help spell them.</summary>
public static class TransitionInitializations
{
    /// <summary>Name → <see cref="TransitionInitialization"/>.</summary>
    public static Registry<TransitionInitialization> Registry { get; } = new Registry<TransitionInitialization>("Q initialisation")
        .Add("estimated", "Q set to T estimated from the classifier's predictions when the frozen epochs end", TransitionInitialization.Estimated)
        .Add("identity", "Q kept at its near-identity start", TransitionInitialization.Identity);

    /// <summary>The name <paramref name="initialization"/> is registered under.</summary>
    public static string NameOf(TransitionInitialization initialization) => Registry.NameWhere(registered => registered == initialization);
}
