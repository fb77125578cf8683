using Latent.Gp;
using static TorchSharp.torch;

namespace Latent.Tests.Gp;

public class ConstrainedParameterTests
{
    public ConstrainedParameterTests() => LatentRuntime.Initialize();

    [Fact]
    public void PositiveValuesRoundTripThroughSoftplusAndGradientsMapToTheValue()
    {
        using var parameter = ConstrainedParameter.Positive([0.5, 3.0, 40.0], "test");
        Assert.Equal([0.5, 3.0, 40.0], parameter.Values.Select(v => Math.Round(v, 12)));
        Assert.Equal(Math.Log(Math.Exp(0.5) - 1), parameter.Unconstrained[0].item<double>(), 12);
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
    public void LowerTriangularKeepsOnlyTheLowerTriangle()
    {
        using var parameter = ConstrainedParameter.LowerTriangular(tensor(new[] { 1.0, 5.0, 2.0, 3.0 }, [2, 2], dtype: float64));
        Assert.Equal([1.0, 0.0, 2.0, 3.0], parameter.Values);
        (parameter.Value * ones(2, 2, dtype: float64)).sum().backward();
        Assert.Equal([1.0, 0.0, 1.0, 1.0], parameter.ValueGradient()!.data<double>().ToArray());
        Assert.Throws<LatentException>(() => ConstrainedParameter.LowerTriangular(zeros(2, 3)));
    }
}
