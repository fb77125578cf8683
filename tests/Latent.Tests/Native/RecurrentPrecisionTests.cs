using TorchSharp;
using static TorchSharp.torch;

namespace Latent.Tests.Native;

/// <summary>
/// float32 LSTM/GRU layers against the same weights in float64, outputs (training and inference paths) and gradients, for hidden
/// sizes across 1–300: guards against oneDNN's AVX-512 RNN kernel, which computes wrong float32 results for sizes that are not
/// multiples of 32 on some CPUs. Runs on whatever machine runs the suite, so a new libtorch cannot bring the fault back unseen.
/// </summary>
public class RecurrentPrecisionTests : TorchTest
{
    private const int Input = 16, Steps = 6, Batch = 4;

    /// <summary>Every size 1–48, then a spread up to 300 that includes multiples of 32 and their neighbours.</summary>
    private static IEnumerable<int> HiddenSizes() =>
        Enumerable.Range(1, 48).Concat(new[] { 63, 64, 65, 96, 100, 127, 128, 129, 160, 200, 255, 256, 257, 300 });

    [Fact]
    public void TheRuntimeCapsOneDnnBelowAvx512UnlessTheUserChoseAnIsa()
    {
        var chosen = LatentRuntime.NativeEnvironmentVariable(LatentRuntime.OneDnnIsaVariable);
        Assert.False(string.IsNullOrEmpty(chosen));
        Assert.Equal(chosen, Environment.GetEnvironmentVariable(LatentRuntime.OneDnnIsaVariable));
    }

    [Theory]
    [InlineData("lstm")]
    [InlineData("gru")]
    public void Float32MatchesFloat64InOutputsAndGradients(string kind)
    {
        var failures = new List<string>();
        foreach (var hidden in HiddenSizes())
        {
            var (output, gradient) = Discrepancy(kind, hidden);
            if (output > 1e-4 || gradient > 1e-3) failures.Add($"hidden {hidden}: output {output:G3}, gradient {gradient:G3}");
        }
        Assert.True(failures.Count == 0, $"{kind} float32 differs from float64: {string.Join("; ", failures.Take(8))}");
    }

    /// <summary>Largest output difference (with and without gradient tracking) and largest relative gradient difference.</summary>
    private static (double Output, double Gradient) Discrepancy(string kind, int hidden)
    {
        using var scope = NewDisposeScope();
        manual_seed(hidden);
        var reference = new Recurrent(kind, hidden);
        reference.to(float64);
        var single = new Recurrent(kind, hidden);
        using (no_grad())
            foreach (var (name, value) in reference.state_dict()) single.state_dict()[name].copy_(value);
        var x64 = randn(Batch, Steps, Input, dtype: float64).requires_grad_();
        var x32 = x64.detach().to(float32).requires_grad_();
        var weights = randn(Batch, Steps, hidden, dtype: float64);
        var y64 = reference.forward(x64);
        var y32 = single.forward(x32);
        (y64 * weights).sum().backward();
        (y32 * weights.to(float32)).sum().backward();
        var outputError = (y32.to(float64) - y64).abs().max().item<double>();
        using (no_grad())
            outputError = Math.Max(outputError, (single.forward(x32).to(float64) - y64).abs().max().item<double>());
        double gradientError = Relative(x32.grad!, x64.grad!);
        var parameters64 = reference.named_parameters().ToDictionary(p => p.name, p => p.parameter);
        foreach (var (name, parameter) in single.named_parameters())
            gradientError = Math.Max(gradientError, Relative(parameter.grad!, parameters64[name].grad!));
        return (outputError, gradientError);
    }

    private static double Relative(Tensor approximate, Tensor exact) =>
        (approximate.to(float64) - exact).abs().max().item<double>() / Math.Max(1.0, exact.abs().max().item<double>());

    /// <summary>One LSTM or GRU layer (batch first) started from a non-zero hidden state, returning its outputs.</summary>
    private sealed class Recurrent : nn.Module<Tensor, Tensor>
    {
        private readonly TorchSharp.Modules.LSTM? lstm;
        private readonly TorchSharp.Modules.GRU? gru;
        private readonly int hidden;

        public Recurrent(string kind, int hidden) : base(kind)
        {
            this.hidden = hidden;
            if (kind == "lstm") lstm = nn.LSTM(Input, hidden, batchFirst: true);
            else gru = nn.GRU(Input, hidden, batchFirst: true);
            RegisterComponents();
        }

        public override Tensor forward(Tensor x)
        {
            var state = full(1, x.shape[0], hidden, 0.3, dtype: x.dtype);
            return lstm is not null ? lstm.forward(x, (state, state)).Item1 : gru!.forward(x, state).Item1;
        }
    }
}
