namespace Latent.Training;

/// <summary>Training stopped because the loss became NaN or infinite; the parameters were not updated with that step.</summary>
public sealed class NonFiniteLossException : LatentException
{
    /// <summary>Creates the error for the loss <paramref name="loss"/> seen at <paramref name="step"/>.</summary>
    public NonFiniteLossException(double loss, long step, int epoch)
        : base($"loss became {(double.IsNaN(loss) ? "NaN" : loss > 0 ? "+Inf" : "-Inf")} at step {step} (epoch {epoch + 1}); training stopped — lower the learning rate, clip gradients, or check the data")
    {
        Loss = loss;
        Step = step;
    }

    /// <summary>The non-finite loss value.</summary>
    public double Loss { get; }

    /// <summary>The step at which it appeared.</summary>
    public long Step { get; }
}
