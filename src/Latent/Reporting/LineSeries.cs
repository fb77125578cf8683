namespace Latent.Reporting;

/// <summary>One named line of a <see cref="LineChart"/>; with <paramref name="Markers"/> its points are drawn as dots, unconnected.</summary>
public sealed record LineSeries(string Name, IReadOnlyList<double> X, IReadOnlyList<double> Y, bool Markers = false);
