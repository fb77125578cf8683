namespace Latent.Distributions;

/// <summary>Sums per-element log-densities over an event's trailing dimensions, the one place where "per event" is defined.</summary>
internal static class EventSum
{
    /// <summary>Checks an event dimension count.</summary>
    public static int Check(int eventDimensions) =>
        eventDimensions >= 0 ? eventDimensions : throw new LatentException($"event dimensions must be non-negative, got {eventDimensions}");

    /// <summary><paramref name="perElement"/> summed over its last <paramref name="eventDimensions"/> dimensions.</summary>
    public static Tensor Over(Tensor perElement, int eventDimensions)
    {
        if (eventDimensions == 0) return perElement;
        if (eventDimensions > perElement.dim())
            throw new LatentException($"an event of {eventDimensions} dimensions does not fit a tensor of shape [{string.Join(", ", perElement.shape)}]");
        var dimensions = Enumerable.Range(1, eventDimensions).Select(i => (long)-i).ToArray();
        return perElement.sum(dimensions);
    }
}
