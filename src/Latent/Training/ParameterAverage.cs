using TorchSharp.Modules;

namespace Latent.Training;

/// <summary>
/// An exponential moving average of parameters (the temporal averaging of Kingma and Ba 2015, §7.2; Polyak averaging),
/// bias-corrected like Adam's moments: after t updates the average is Σ_s (1 − β) β^(t−s) θ_s / (1 − β^t).
/// </summary>
public sealed class ParameterAverage : IDisposable
{
    private readonly Parameter[] parameters;
    private readonly Tensor[] sums;

    /// <summary>Tracks <paramref name="parameters"/> with decay β = <paramref name="decay"/> in (0, 1).</summary>
    public ParameterAverage(IEnumerable<Parameter> parameters, double decay)
    {
        if (!(decay > 0 && decay < 1)) throw new LatentException($"parameter-average decay must be in (0, 1), got {decay}");
        Decay = decay;
        this.parameters = parameters.ToArray();
        using var noGrad = no_grad();
        sums = this.parameters.Select(p => zeros_like(p).DetachFromDisposeScope()).ToArray();
    }

    /// <summary>The decay β per update.</summary>
    public double Decay { get; }

    /// <summary>How many updates the average has seen.</summary>
    public long Updates { get; private set; }

    /// <summary>Folds the current parameter values into the average (call after each optimizer step): s ← β s + (1 − β) θ as one lerp pass.</summary>
    public void Update()
    {
        using var noGrad = no_grad();
        for (int i = 0; i < parameters.Length; i++) sums[i].lerp_(parameters[i], 1 - Decay);
        Updates++;
    }

    /// <summary>Forgets every update, so that the average starts again from the parameters' next values (after they were reassigned).</summary>
    public void Reset()
    {
        using var noGrad = no_grad();
        foreach (var sum in sums) sum.zero_();
        Updates = 0;
    }

    /// <summary>Writes the bias-corrected averages into the parameters and returns their previous values for <see cref="Restore"/> (none before the first update).</summary>
    public Tensor[] SwapIn()
    {
        if (Updates == 0) return [];
        using var noGrad = no_grad();
        var previous = parameters.Select(p => p.detach().clone().DetachFromDisposeScope()).ToArray();
        double correction = 1 - Math.Pow(Decay, Updates);
        for (int i = 0; i < parameters.Length; i++) parameters[i].copy_(sums[i] / correction);
        return previous;
    }

    /// <summary>Writes the bias-corrected averages into the parameters for good (nothing before the first update).</summary>
    public void CopyIntoParameters()
    {
        foreach (var displaced in SwapIn()) displaced.Dispose();
    }

    /// <summary>Puts back the values <see cref="SwapIn"/> displaced, and disposes them.</summary>
    public void Restore(Tensor[] previous)
    {
        using var noGrad = no_grad();
        for (int i = 0; i < previous.Length; i++)
        {
            parameters[i].copy_(previous[i]);
            previous[i].Dispose();
        }
    }

    /// <summary>Writes the update count and the running sums (for checkpoints).</summary>
    public void Save(BinaryWriter writer)
    {
        writer.Write(Updates);
        foreach (var sum in sums)
        {
            using var values = sum.to(ScalarType.Float64).cpu();
            var data = values.data<double>().ToArray();
            writer.Write(data.Length);
            foreach (var value in data) writer.Write(value);
        }
    }

    /// <summary>Reads what <see cref="Save"/> wrote.</summary>
    public void Load(BinaryReader reader)
    {
        Updates = reader.ReadInt64();
        using var noGrad = no_grad();
        foreach (var sum in sums)
        {
            var count = reader.ReadInt32();
            if (count != sum.numel()) throw new LatentException($"parameter average holds {count} values where the model has {sum.numel()}");
            var data = new double[count];
            for (int i = 0; i < count; i++) data[i] = reader.ReadDouble();
            using var values = tensor(data).reshape(sum.shape);
            sum.copy_(values);
        }
    }

    /// <inheritdoc />
    public void Dispose()
    {
        foreach (var sum in sums) sum.Dispose();
    }
}
