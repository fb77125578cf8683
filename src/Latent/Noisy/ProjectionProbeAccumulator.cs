using Latent.Nn;

namespace Latent.Noisy;

/// <summary>Accumulates, step by step, how the projection's displacement relates to Adam's step and Adam's first moment.</summary>
internal sealed class ProjectionProbeAccumulator
{
    private double ratio, stepCosine, momentumCosine, offSimplex, pinned;
    private int count;

    /// <summary>Records one step: Q before Adam's step, the layer after its projection, and the optimizer that stepped it.</summary>
    public void Add(Tensor before, ProjectedTransition layer, optim.Optimizer optimizer)
    {
        var displacement = layer.LastProjectionDisplacement!.to(ScalarType.Float64);
        var projected = layer.Parameter.detach().to(ScalarType.Float64);
        var adamStep = projected - displacement - before.to(ScalarType.Float64);
        var state = (TorchSharp.Modules.Adam.State)((TorchSharp.Modules.OptimizerHelper)optimizer).state_dict().State[0];
        var momentum = state.exp_avg.detach().to(ScalarType.Float64);
        double displacementNorm = displacement.norm().item<double>();
        double stepNorm = adamStep.norm().item<double>();
        double momentumNorm = momentum.norm().item<double>();
        if (stepNorm == 0 || momentumNorm == 0) return;
        ratio += displacementNorm / stepNorm;
        stepCosine += displacementNorm == 0 ? 0 : (adamStep * displacement).sum().item<double>() / (stepNorm * displacementNorm);
        momentumCosine += displacementNorm == 0 ? 0 : (-momentum * displacement).sum().item<double>() / (momentumNorm * displacementNorm);
        var columnMeans = momentum.mean(new long[] { 0 }, keepdim: true);
        offSimplex += (columnMeans.square().sum().item<double>() * momentum.shape[0]) / (momentumNorm * momentumNorm);
        pinned += (projected.eq(0) & momentum.gt(0)).to(ScalarType.Float64).mean().item<double>();
        count++;
    }

    /// <summary>Writes the running sums and count (for checkpoints).</summary>
    public void Save(BinaryWriter writer)
    {
        foreach (var sum in new[] { ratio, stepCosine, momentumCosine, offSimplex, pinned }) writer.Write(sum);
        writer.Write(count);
    }

    /// <summary>Reads what <see cref="Save"/> wrote.</summary>
    public static ProjectionProbeAccumulator Load(BinaryReader reader) => new()
    {
        ratio = reader.ReadDouble(), stepCosine = reader.ReadDouble(), momentumCosine = reader.ReadDouble(), offSimplex = reader.ReadDouble(),
        pinned = reader.ReadDouble(), count = reader.ReadInt32(),
    };

    /// <summary>The averages over the recorded steps (zeros when none was recorded).</summary>
    public ProjectionProbe Average()
    {
        double n = Math.Max(count, 1);
        return new ProjectionProbe(ratio / n, stepCosine / n, momentumCosine / n, offSimplex / n, pinned / n);
    }
}
