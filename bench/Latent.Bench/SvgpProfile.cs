using System.Diagnostics;
using Latent.Gp;
using Latent.Gp.Models;
using static TorchSharp.torch;

namespace Latent.Bench;

/// <summary>
/// Per-operation time breakdown of one SVGP ELBO step: each stage of <see cref="Svgp.Elbo"/> runs on detached leaf copies of its
/// inputs, timed forward and backward (against a random cotangent), so the stages' sum can be set beside the whole step.
/// </summary>
public static class SvgpProfile
{
    private const int Repeats = 3;

    /// <summary>Prints the forward and backward milliseconds of each stage (best of a few repeats) and the Adam step.</summary>
    public static void Print(Svgp model, Tensor x, Tensor y, Generator generator)
    {
        using var scope = NewDisposeScope();
        var kernel = model.Kernel;
        var z = model.InducingInputs.requires_grad_(true);
        var cholesky = model.KmmCholesky().detach();
        var kmm = cholesky.matmul(cholesky.transpose(0, 1));
        var kmn = kernel.K(z, x).detach();
        var (mean, variance) = model.PredictF(x);
        var qMean = model.VariationalMean.requires_grad_(true);
        var qSqrt = model.VariationalSqrt.requires_grad_(true);
        var stages = new (string Name, Func<Tensor> Forward)[]
        {
            ("K_uu = k(Z, Z)", () => kernel.K(z)),
            ("Cholesky of K_uu", () => linalg.cholesky(Leaf(kmm))),
            ("K_uf = k(Z, X)", () => kernel.K(z, x)),
            ("K_ff diagonal", () => kernel.Kdiag(x)),
            ("conditional: solves, mean, variance", () =>
            {
                var (m, v) = Conditionals.Conditional(Leaf(kmn), Leaf(cholesky), kernel.Kdiag(x), qMean, qSqrt, fullCov: false, model.Whiten);
                return cat([m, v], 1);
            }),
            ("variational expectations", () => model.Likelihood.VariationalExpectations(Leaf(mean), Leaf(variance), y)),
            ("KL(q(u) ‖ p(u))", () => GaussKl.Divergence(qMean, qSqrt, model.Whiten ? null : Leaf(cholesky))),
        };
        Console.WriteLine($"  {"stage",-40} {"forward ms",11} {"backward ms",12}");
        double total = 0;
        foreach (var (name, forward) in stages)
        {
            var (f, b) = Time(forward, generator);
            total += f + b;
            Console.WriteLine($"  {name,-40} {f,11:F1} {b,12:F1}");
        }
        var adam = AdamStep(model, x, y);
        Console.WriteLine($"  {"Adam step",-40} {adam,11:F1}");
        Console.WriteLine($"  {"sum of stages",-40} {total + adam,11:F1}");
        model.zero_grad();
    }

    private static Tensor Leaf(Tensor t) => t.detach().requires_grad_(true);

    private static (double Forward, double Backward) Time(Func<Tensor> stage, Generator generator)
    {
        var (bestForward, bestBackward) = (double.MaxValue, double.MaxValue);
        for (var i = 0; i <= Repeats; i++)
        {
            using var scope = NewDisposeScope();
            var clock = Stopwatch.StartNew();
            var output = stage();
            var forward = clock.Elapsed.TotalMilliseconds;
            var cotangent = randn(output.shape, dtype: output.dtype, generator: generator);
            clock.Restart();
            (output * cotangent).sum().backward();
            var backward = clock.Elapsed.TotalMilliseconds;
            if (i == 0) continue;
            bestForward = Math.Min(bestForward, forward);
            bestBackward = Math.Min(bestBackward, backward);
        }
        return (bestForward, bestBackward);
    }

    private static double AdamStep(Svgp model, Tensor x, Tensor y)
    {
        using var optimizer = optim.Adam(model.parameters().Where(p => p.requires_grad), 0.0);
        var best = double.MaxValue;
        for (var i = 0; i <= Repeats; i++)
        {
            using var scope = NewDisposeScope();
            optimizer.zero_grad();
            (-model.Elbo(x, y)).backward();
            var clock = Stopwatch.StartNew();
            optimizer.step();
            if (i > 0) best = Math.Min(best, clock.Elapsed.TotalMilliseconds);
        }
        return best;
    }
}
