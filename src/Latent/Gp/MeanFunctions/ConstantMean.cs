namespace Latent.Gp.MeanFunctions;

/// <summary>A trainable constant prior mean m(x) = c, one constant per latent GP (or one shared).</summary>
public sealed class ConstantMean : MeanFunction
{
    private readonly TorchSharp.Modules.Parameter constants;

    /// <summary>Creates the mean with the given initial constants.</summary>
    public ConstantMean(params double[] initial) : base(nameof(ConstantMean))
    {
        if (initial.Length == 0) throw new LatentException("ConstantMean needs at least one constant");
        constants = new TorchSharp.Modules.Parameter(tensor(initial, dtype: float64), requires_grad: true);
        RegisterComponents();
    }

    /// <summary>The current constants.</summary>
    public double[] Constants
    {
        get
        {
            using var noGrad = no_grad();
            using var doubles = constants.to(float64);
            return doubles.data<double>().ToArray();
        }
    }

    /// <summary>The constants repeated for every row: [N, L].</summary>
    public override Tensor forward(Tensor X) => constants.unsqueeze(0).expand(X.shape[0], constants.shape[0]);
}
