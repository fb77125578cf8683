namespace Latent.Nn;

/// <summary>The hidden-layer nonlinearity of an <see cref="Mlp"/>.</summary>
public enum MlpActivation
{
    /// <summary>max(0, x).</summary>
    Relu,

    /// <summary>tanh(x).</summary>
    Tanh,
}
