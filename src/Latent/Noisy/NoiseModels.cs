namespace Latent.Noisy;

/// <summary>The noise models by name, as the CLI, reports and metrics.json spell them.</summary>
public static class NoiseModels
{
    /// <summary>Name → <see cref="NoiseModel"/>.</summary>
    public static Registry<NoiseModel> Registry { get; } = new Registry<NoiseModel>("noise model")
        .Add("none", "no noise layer: the classifier trained on the noisy labels", NoiseModel.None)
        .Add("softmax", "learned Q = softmax(W), column-stochastic by construction", NoiseModel.Softmax)
        .Add("project", "learned Q projected onto the simplex after each step", NoiseModel.Project)
        .Add("forward", "forward correction with T estimated from a first run", NoiseModel.Forward)
        .Add("forward-true", "forward correction with the true T (an oracle reference)", NoiseModel.ForwardKnown);

    /// <summary>The noise models a run trains unless told otherwise.</summary>
    public static IReadOnlyList<string> DefaultRun { get; } = ["none", "softmax", "project", "forward"];

    /// <summary>The name <paramref name="model"/> is registered under.</summary>
    public static string NameOf(NoiseModel model) => Registry.NameWhere(registered => registered == model);
}
