namespace Latent.Gp.MeanFunctions;

/// <summary>The zero prior mean m(x) = 0.</summary>
public sealed class ZeroMean : MeanFunction
{
    /// <summary>Creates the zero mean.</summary>
    public ZeroMean() : base(nameof(ZeroMean)) => RegisterComponents();

    /// <summary>Zeros [N, 1], broadcast over the latent GPs.</summary>
    public override Tensor forward(Tensor X) => zeros(X.shape[0], 1, dtype: X.dtype, device: X.device);
}
