namespace Latent.Training;

/// <summary>One recorded value of a learning curve: after <see cref="Step"/> optimizer steps, at fractional epoch <see cref="Epoch"/>.</summary>
public readonly record struct CurvePoint(long Step, double Epoch, double Value);
