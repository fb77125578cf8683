namespace Latent.Vae;

/// <summary>What <see cref="VaeDiagnostics.Underflow"/> measures.</summary>
/// <param name="Sigma">The observation standard deviation used.</param>
/// <param name="Examples">Examples scored.</param>
/// <param name="ZeroProducts">Examples whose product of densities is exactly 0.</param>
/// <param name="InfiniteProducts">Examples whose product of densities is +∞.</param>
/// <param name="NaiveLoss">Mean of log(1e-20 + product).</param>
/// <param name="NaiveGradientNorm">Gradient norm of the naive loss with respect to the decoder mean.</param>
/// <param name="LogProb">Mean of the summed log-densities.</param>
/// <param name="LogProbGradientNorm">Gradient norm of the summed log-densities with respect to the decoder mean.</param>
public sealed record UnderflowDemo(double Sigma, int Examples, int ZeroProducts, int InfiniteProducts, double NaiveLoss, double NaiveGradientNorm, double LogProb, double LogProbGradientNorm);
