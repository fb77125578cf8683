namespace Latent.Reporting;

/// <summary>One named line of a <see cref="LineChart"/>.</summary>
public sealed record LineSeries(string Name, IReadOnlyList<double> X, IReadOnlyList<double> Y);
