using Latent.Text;
using TorchSharp;
using static TorchSharp.torch;

namespace Latent.Tests.Text;

/// <summary>
/// The language model's recurrent layers in float32 (libtorch's LSTM under Latent's oneDNN instruction-set cap, and the GRU's own forward
/// and backward passes) against libtorch's LSTM and GRU in float64 with the same weights, for sizes across 1–300, including hidden sizes
/// that are not multiples of 32 (where oneDNN's AVX-512 LSTM kernel is wrong in float32).
/// </summary>
public class RecurrentLayerPrecisionTests : TorchTest
{
    [Theory]
    [InlineData(1, 1)]
    [InlineData(1, 8)]
    [InlineData(1, 20)]
    [InlineData(2, 12)]
    [InlineData(1, 48)]
    [InlineData(1, 100)]
    [InlineData(2, 129)]
    [InlineData(1, 300)]
    public void OutputsStateAndGradientsMatchTorchLstmInFloat64(int layers, int size)
    {
        const int vocabulary = 30, batch = 3, time = 7;
        manual_seed(21);
        using var model = new LstmLanguageModel(vocabulary, new LanguageModelOptions { EmbeddingSize = size, HiddenSize = size, Layers = layers, Dropout = 0 }, CPU);
        var reference = nn.LSTM(size, size, layers, batchFirst: true, dtype: ScalarType.Float64);
        using (no_grad())
            foreach (var (name, value) in reference.named_parameters()) value.copy_(model.state_dict()[$"lstm.{name}"]);
        var tokens = randint(vocabulary, [batch, time]);
        var h0 = randn(layers, batch, size).requires_grad_(true);
        var c0 = randn(layers, batch, size).requires_grad_(true);
        var h0Reference = h0.detach().to(ScalarType.Float64).requires_grad_(true);
        var c0Reference = c0.detach().to(ScalarType.Float64).requires_grad_(true);
        var embedding = model.EmbeddingWeight.detach().to(ScalarType.Float64).requires_grad_(true);
        var weights = (Output: randn(batch, time, size, dtype: ScalarType.Float64), Hidden: randn(layers, batch, size, dtype: ScalarType.Float64), Cell: randn(layers, batch, size, dtype: ScalarType.Float64));

        var (output, state) = model.Hidden(tokens, (h0, c0));
        ((output.to(ScalarType.Float64) * weights.Output).sum() + (state.Hidden.to(ScalarType.Float64) * weights.Hidden).sum() + (state.Cell.to(ScalarType.Float64) * weights.Cell).sum()).backward();
        var (expected, hT, cT) = reference.forward(embedding.index_select(0, tokens.reshape(-1)).view(batch, time, size), (h0Reference, c0Reference));
        ((expected * weights.Output).sum() + (hT * weights.Hidden).sum() + (cT * weights.Cell).sum()).backward();

        AssertClose(expected, output, "output");
        AssertClose(hT, state.Hidden, "final hidden state");
        AssertClose(cT, state.Cell, "final cell state");
        AssertClose(h0Reference.grad!, h0.grad!, "gradient of h0");
        AssertClose(c0Reference.grad!, c0.grad!, "gradient of c0");
        AssertClose(embedding.grad!, model.EmbeddingWeight.grad!, "gradient of the embedding");
        foreach (var (name, value) in reference.named_parameters())
            AssertClose(value.grad!, model.state_dict()[$"lstm.{name}"].grad!, $"gradient of {name}");
        // Evaluation (no gradients) runs oneDNN's inference kernels, which need the same check.
        model.eval();
        using var noGrad = no_grad();
        AssertClose(expected, model.Hidden(tokens, (h0, c0)).Output, "output in evaluation");
    }

    [Theory]
    [InlineData(1, 1)]
    [InlineData(1, 20)]
    [InlineData(2, 12)]
    [InlineData(1, 100)]
    [InlineData(2, 129)]
    [InlineData(1, 300)]
    public void GruOutputsStateAndGradientsMatchTorchGruInFloat64(int layers, int size)
    {
        const int vocabulary = 30, batch = 3, time = 7;
        manual_seed(23);
        using var model = new LstmLanguageModel(vocabulary, new LanguageModelOptions { Cell = "gru", EmbeddingSize = size, HiddenSize = size, Layers = layers, Dropout = 0 }, CPU);
        var reference = nn.GRU(size, size, layers, batchFirst: true, dtype: ScalarType.Float64);
        using (no_grad())
            foreach (var (name, value) in reference.named_parameters()) value.copy_(model.state_dict()[$"gru.{name}"]);
        var tokens = randint(vocabulary, [batch, time]);
        var h0 = randn(layers, batch, size).requires_grad_(true);
        var h0Reference = h0.detach().to(ScalarType.Float64).requires_grad_(true);
        var embedding = model.EmbeddingWeight.detach().to(ScalarType.Float64).requires_grad_(true);
        var weights = (Output: randn(batch, time, size, dtype: ScalarType.Float64), Hidden: randn(layers, batch, size, dtype: ScalarType.Float64));

        var (output, state) = model.Hidden(tokens, (h0, empty(layers, batch, 0)));
        ((output.to(ScalarType.Float64) * weights.Output).sum() + (state.Hidden.to(ScalarType.Float64) * weights.Hidden).sum()).backward();
        var (expected, hT) = reference.forward(embedding.index_select(0, tokens.reshape(-1)).view(batch, time, size), h0Reference);
        ((expected * weights.Output).sum() + (hT * weights.Hidden).sum()).backward();

        AssertClose(expected, output, "output");
        AssertClose(hT, state.Hidden, "final hidden state");
        Assert.Equal([layers, batch, 0L], state.Cell.shape);
        AssertClose(h0Reference.grad!, h0.grad!, "gradient of h0");
        AssertClose(embedding.grad!, model.EmbeddingWeight.grad!, "gradient of the embedding");
        foreach (var (name, value) in reference.named_parameters())
            AssertClose(value.grad!, model.state_dict()[$"gru.{name}"].grad!, $"gradient of {name}");
    }

    [Theory]
    [InlineData("lstm")]
    [InlineData("gru")]
    public void EvaluationWithoutGradientsGivesTheSameOutputsAndKeepsTheThreadCount(string cell)
    {
        manual_seed(22);
        using var model = new LstmLanguageModel(25, new LanguageModelOptions { Cell = cell, EmbeddingSize = 16, HiddenSize = 16, Dropout = 0 }, CPU);
        var tokens = randint(25, [4, 6]);
        int threads = get_num_threads();
        var (training, _) = model.Hidden(tokens, null);
        training.sum().backward();
        Assert.Equal(threads, get_num_threads());
        model.eval();
        using var noGrad = no_grad();
        var (evaluation, _) = model.Hidden(tokens, null);
        Assert.Equal(threads, get_num_threads());
        Assert.False(evaluation.requires_grad);
        // oneDNN's LSTM runs other kernels for inference than for training, so the two agree to float32 rounding, not bit for bit.
        AssertClose(training.detach().to(ScalarType.Float64), evaluation, "evaluation outputs against training outputs without dropout");
    }

    private static void AssertClose(Tensor expected, Tensor actual, string what)
    {
        Assert.Equal(expected.shape, actual.shape);
        double scale = expected.abs().max().item<double>();
        double difference = (actual.to(ScalarType.Float64) - expected).abs().max().item<double>();
        Assert.True(scale > 0, $"{what} is zero");
        Assert.True(difference <= 1e-5 * Math.Max(scale, 1), $"{what} differs by {difference} (scale {scale})");
    }
}
