using Latent.Gp;
using static TorchSharp.torch;

namespace Latent.Tests.Gp;

public class ConstrainedParameterTests
{
    public ConstrainedParameterTests() => LatentRuntime.Initialize();

    [Fact]
    public void PositiveValuesRoundTripThroughExpAndGradientsMapToTheValue()
    {
        using var parameter = ConstrainedParameter.Positive([0.5, 3.0, 40.0], "test");
        Assert.Equal([0.5, 3.0, 40.0], parameter.Values.Select(v => Math.Round(v, 12)));
        Assert.Equal(Math.Log(0.5), parameter.Unconstrained[0].item<double>(), 12);
        (parameter.Value * tensor(new[] { 1.0, 2.0, 3.0 }, dtype: float64)).sum().backward();
        // d(Σ cᵢvᵢ)/dvᵢ = cᵢ, whatever the transform.
        Assert.True(parameter.ValueGradient()!.allclose(tensor(new[] { 1.0, 2.0, 3.0 }, dtype: float64), rtol: 0, atol: 1e-12));
        parameter.Assign(tensor(new[] { 2.0, 2.0, 2.0 }, dtype: float64));
        Assert.All(parameter.Values, v => Assert.Equal(2.0, v, 12));
        Assert.Throws<LatentException>(() => parameter.Assign(tensor(new[] { 1.0, 0.0, 1.0 }, dtype: float64)));
        Assert.Throws<LatentException>(() => ConstrainedParameter.Positive([-1.0], "a variance"));
        Assert.Equal(["unconstrained"], parameter.state_dict().Keys);
    }

    [Fact]
    public void SoftplusStorageOfOlderFoldersIsConvertedToTheSameValues()
    {
        using var kernel = new Latent.Gp.Kernels.Matern52(0.3, [25.0, 0.01]);
        using (no_grad())
        {
            // What a folder written before the exp transform holds: softplus⁻¹(v) = log(exp(v) − 1).
            foreach (var parameter in kernel.modules().OfType<ConstrainedParameter>())
                parameter.Unconstrained.copy_(tensor(parameter.Values.Select(v => Math.Log(Math.Exp(v) - 1)).ToArray(), dtype: float64));
        }
        ConstrainedParameter.ConvertSoftplusStorage(kernel, ConstrainedParameter.FirstExpStorageVersion);
        // A folder of the current version is left as it is: its storage is read as a log value.
        Assert.Equal(Math.Exp(0.3) - 1, kernel.Variance, 12);
        ConstrainedParameter.ConvertSoftplusStorage(kernel, ConstrainedParameter.FirstExpStorageVersion - 1);
        Assert.Equal(0.3, kernel.Variance, 12);
        // Above 20, softplus was the identity (as the older Latent read it), so 25 comes back to within log(exp(25) − 1) − 25 ≈ −1.4e-11.
        Assert.Equal([25.0, 0.01], kernel.Lengthscales.Select(v => Math.Round(v, 9)));
    }

    [Fact]
    public void LowerTriangularKeepsOnlyTheLowerTriangle()
    {
        using var parameter = ConstrainedParameter.LowerTriangular(tensor(new[] { 1.0, 5.0, 2.0, 3.0 }, [2, 2], dtype: float64));
        Assert.Equal([1.0, 0.0, 2.0, 3.0], parameter.Values);
        (parameter.Value * ones(2, 2, dtype: float64)).sum().backward();
        Assert.Equal([1.0, 0.0, 1.0, 1.0], parameter.ValueGradient()!.data<double>().ToArray());
        Assert.Throws<LatentException>(() => ConstrainedParameter.LowerTriangular(zeros(2, 3)));
    }
}
