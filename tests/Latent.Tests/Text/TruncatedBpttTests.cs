using Latent.Text;
using Latent.Training;
using TorchSharp;
using static TorchSharp.torch;

namespace Latent.Tests.Text;

public class TruncatedBpttTests : TorchTest
{
    [Fact]
    public void LiveNativeTensorCountStaysFlatOverTenEpochsOfTrainerSteps()
    {
        const int v = 12;
        var tokens = Enumerable.Range(0, 400).Select(i => (i * 7 + i / 12) % v).ToList();
        manual_seed(4);
        using var model = new LstmLanguageModel(v, new LanguageModelOptions { EmbeddingSize = 8, HiddenSize = 8, Dropout = 0.5 }, CPU);
        using var batches = new TokenBatches(tokens, 4, 5, CPU);
        using var bptt = new TruncatedBptt(model, batches);
        long afterFirstEpoch = 0;
        var options = TruncatedBptt.TrainerOptions(epochs: 10, clipNorm: 1.0, seed: 0) with { EvaluateEverySteps = 7 };
        var trainer = new Trainer(model, OptimizerSettings.Adam(1e-2), options)
        {
            Evaluate = () => LanguageModelEvaluation.Perplexity(model, batches),
            Progress = p =>
            {
                if (p.Step == batches.ChunkCount) afterFirstEpoch = DisposeScopeManager.Statistics.ThreadTotalLiveCount;
            },
        };
        var curve = trainer.Fit(batches.ChunkCount, bptt.Loss);
        Assert.Equal(10 * batches.ChunkCount, curve.Steps.Count);
        long afterTenEpochs = DisposeScopeManager.Statistics.ThreadTotalLiveCount;
        Assert.True(afterTenEpochs <= afterFirstEpoch, $"live tensors grew from {afterFirstEpoch} after epoch 1 to {afterTenEpochs} after epoch 10");
    }
}
