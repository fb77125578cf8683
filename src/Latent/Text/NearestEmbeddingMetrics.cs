namespace Latent.Text;

/// <summary>
/// Nearest-embedding decoding scored on held-out text: the perplexity of softmax(cos / τ) at the best τ of
/// <see cref="NearestEmbeddingDecoder.TemperatureGrid"/> (chosen on the same text, which flatters it) and the accuracy of the nearest word.
/// </summary>
public sealed record NearestEmbeddingMetrics(double Temperature, double Perplexity, double Accuracy);
