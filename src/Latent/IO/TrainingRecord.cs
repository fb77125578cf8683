namespace Latent.IO;

/// <summary>
/// config.json's "training" section: the options the model was built and trained with, the run's seed, the Latent version and
/// the time training finished, where the data came from (trained_on), and any family-specific facts about the run (such as
/// steps taken). A model that was never fitted has no finish time and no trained_on.
/// </summary>
/// <param name="Options">The family's options record, serialised as the family writes it.</param>
/// <param name="Seed">The run's random seed.</param>
/// <param name="LatentVersion">The version of Latent that trained the model.</param>
/// <param name="FinishedAt">When training last finished (UTC), or null.</param>
/// <param name="TrainedOn">The data the model was trained on, or null.</param>
/// <param name="Extra">Family-specific entries written beside the common ones (for example "steps_taken").</param>
public sealed record TrainingRecord(JsonNode Options, long Seed, string LatentVersion, DateTimeOffset? FinishedAt, DataProvenance? TrainedOn, JsonObject? Extra = null)
{
    /// <summary>The version of this Latent library (its informational version without build metadata).</summary>
    public static string CurrentVersion { get; } =
        (typeof(TrainingRecord).Assembly.GetCustomAttributes(typeof(System.Reflection.AssemblyInformationalVersionAttribute), false)
            .OfType<System.Reflection.AssemblyInformationalVersionAttribute>().FirstOrDefault()?.InformationalVersion ?? "unknown").Split('+')[0];

    /// <summary>A record for a model built from <paramref name="options"/> that has not been trained yet.</summary>
    public static TrainingRecord Untrained(JsonNode options, long seed) => new(options, seed, CurrentVersion, null, null);

    /// <summary>The record after training on <paramref name="trainedOn"/> finished just now, with this version of Latent.</summary>
    public TrainingRecord Finished(DataProvenance trainedOn) => this with { FinishedAt = DateTimeOffset.UtcNow, TrainedOn = trainedOn, LatentVersion = CurrentVersion };
}
