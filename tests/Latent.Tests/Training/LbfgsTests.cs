using Latent.Training;
using TorchSharp.Modules;
using static TorchSharp.torch;

namespace Latent.Tests.Training;

public class LbfgsTests : TorchTest
{
    /// <summary>½ pᵀ A p with A = [[5, −2], [−2, 1]], whose inverse Hessian is [[1, 2], [2, 5]].</summary>
    private static Tensor Coupled(Tensor p) => 0.5 * (5 * p[0].square() - 4 * p[0] * p[1] + p[1].square());

    /// <summary>½ ((a − 1)² + b²) where a ≥ 0, NaN where a &lt; 0 (as a GP bound is where a Cholesky factor fails).</summary>
    private static Tensor Walled(Tensor p) => 0.5 * ((p[0] - 1).square() + p[1].square()) * (p[0].item<double>() >= 0 ? 1.0 : double.NaN);

    private static Func<Tensor> Closure(Parameter p, Func<Tensor, Tensor> loss) => () =>
    {
        p.grad?.zero_();
        var value = loss(p);
        value.backward();
        return value;
    };

    [Fact]
    public void ADirectionFromStaleCurvatureThatFindsNoStepRestartsFromSteepestDescent()
    {
        using var p = new Parameter(tensor(new[] { 1.0, 1.0 }, dtype: float64));
        using var optimizer = new Lbfgs([p]);
        optimizer.step(Closure(p, Coupled));
        using (no_grad()) p.copy_(tensor(new[] { 0.0, 1.0 }, dtype: float64));
        // At (0, 1) the gradient of the walled bowl is (−1, 1); the history of the coupled bowl turns it into about (−1, −3), a descent
        // direction whose every step lands where the loss is NaN. Steepest descent, (1, −1), moves into the bowl.
        optimizer.step(Closure(p, Walled));
        var reached = p.detach().data<double>().ToArray();
        Assert.True(Math.Abs(reached[0] - 1) < 1e-4 && Math.Abs(reached[1]) < 1e-4, $"minimum (1, 0) reached, got ({reached[0]}, {reached[1]})");
        Assert.True(optimizer.Converged, "converged at the minimum");
    }

    [Fact]
    public void NoDescentStepEvenFromSteepestDescentEndsTheRun()
    {
        using var p = new Parameter(tensor(new[] { 0.0, 1.0 }, dtype: float64));
        using var optimizer = new Lbfgs([p]);
        // Every step from (0, 1) along −∇ of this loss, (−1, 0) scaled, lands at a < 0, where it is NaN.
        optimizer.step(Closure(p, q => 0.5 * (q[0] + 1).square() * (q[0].item<double>() >= 0 ? 1.0 : double.NaN)));
        Assert.True(optimizer.Converged, "no descent step left: converged");
        Assert.Equal(new[] { 0.0, 1.0 }, p.detach().data<double>().ToArray());
    }
}
