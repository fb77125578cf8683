namespace Latent.Training;

/// <summary>A progress report the trainer sends after every step, for progress bars.</summary>
public readonly record struct TrainingProgress(int Epoch, int Epochs, long Step, long TotalSteps, double Loss);
