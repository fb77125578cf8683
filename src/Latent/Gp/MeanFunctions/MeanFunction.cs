namespace Latent.Gp.MeanFunctions;

/// <summary>A prior mean m(x) for the latent GPs: maps inputs [N, D] to values [N, L] or [N, 1] (broadcast over the L latent GPs).</summary>
public abstract class MeanFunction : nn.Module<Tensor, Tensor>
{
    /// <summary>Creates the mean function module.</summary>
    protected MeanFunction(string name) : base(name) { }
}
