using Latent.Data;
using Latent.Nn;
using TorchSharp;
using static TorchSharp.torch;

namespace Latent.Tests.Noisy;

public sealed class NoiseAdaptationTests
{
    public NoiseAdaptationTests() => LatentRuntime.Initialize();

    /// <summary>log Σ_j Q[i, j] softmax(z)_j computed directly in double loops, as the independent reference.</summary>
    private static double[,] ReferenceChannel(double[,] q, double[,] logits)
    {
        int batch = logits.GetLength(0), classes = logits.GetLength(1);
        var result = new double[batch, classes];
        for (int b = 0; b < batch; b++)
        {
            double max = Enumerable.Range(0, classes).Max(j => logits[b, j]);
            var p = Enumerable.Range(0, classes).Select(j => Math.Exp(logits[b, j] - max)).ToArray();
            double total = p.Sum();
            for (int i = 0; i < classes; i++)
                result[b, i] = Math.Log(Enumerable.Range(0, classes).Sum(j => q[i, j] * p[j] / total));
        }
        return result;
    }

    private static double[,] ToArray(Tensor t)
    {
        var values = t.to(ScalarType.Float64).data<double>().ToArray();
        var result = new double[t.shape[0], t.shape[1]];
        for (int i = 0; i < t.shape[0]; i++)
            for (int j = 0; j < t.shape[1]; j++)
                result[i, j] = values[i * t.shape[1] + j];
        return result;
    }

    [Fact]
    public void ChannelLogProbabilitiesMatchDirectDoubleComputation()
    {
        torch.manual_seed(1);
        using var logits = randn(6, 4, dtype: ScalarType.Float64) * 3;
        using var q = tensor(new double[] { 0.7, 0, 0.1, 0, 0.3, 1, 0, 0, 0, 0, 0.9, 0.5, 0, 0, 0, 0.5 }, new long[] { 4, 4 });
        using var result = NoiseAdaptation.ChannelLogProbabilities(q, logits.log_softmax(1));
        var expected = ReferenceChannel(ToArray(q), ToArray(logits));
        var actual = ToArray(result);
        for (int b = 0; b < 6; b++)
            for (int i = 0; i < 4; i++)
                Assert.Equal(expected[b, i], actual[b, i], 1e-12);
    }

    [Fact]
    public void IdentityNoiseLayerEqualsThePlainClassifier()
    {
        torch.manual_seed(2);
        var classifier = nn.Linear(5, 3);
        using var inputs = randn(8, 5);
        using var plain = new NoisyLabelClassifier(classifier, null);
        using var fixedIdentity = new NoisyLabelClassifier(classifier, new FixedTransition(eye(3, dtype: ScalarType.Float64)));
        using var projectedIdentity = new NoisyLabelClassifier(classifier, new ProjectedTransition(eye(3, dtype: ScalarType.Float64)));
        using var expected = classifier.call(inputs).log_softmax(1);
        Assert.True(plain.call(inputs).allclose(expected, rtol: 0, atol: 1e-6));
        Assert.True(fixedIdentity.call(inputs).allclose(expected, rtol: 0, atol: 1e-6));
        Assert.True(projectedIdentity.call(inputs).allclose(expected, rtol: 0, atol: 1e-6));
    }

    [Fact]
    public void LossAndGradientStayFiniteWithExactZerosInQ()
    {
        using var layer = new ProjectedTransition(eye(3, dtype: ScalarType.Float64));
        // Confident logits (including a probability far below float's range) with labels that Q = I calls unlikely.
        using var logits = tensor(new float[] { 30, 0, -60, 0, 40, 0, -200, 0, 200 }, new long[] { 3, 3 });
        using var labels = tensor(new long[] { 1, 0, 2 });
        using var logProbabilities = layer.call(logits.log_softmax(1));
        using var loss = -logProbabilities.gather(1, labels.unsqueeze(1)).mean();
        loss.backward();
        Assert.True(loss.isfinite().item<bool>());
        var gradient = layer.Parameter.grad!;
        Assert.True(gradient.isfinite().all().item<bool>());
        // dLoss/dQ[1,0] for example 0 (label 1, Q[1,·] = e_1): −(1/3) p_0 / p_1 with p from softmax(30, 0, −60).
        double p0 = 1 / (1 + Math.Exp(-30) + Math.Exp(-90)), p1 = Math.Exp(-30) * p0;
        Assert.Equal(-(1.0 / 3) * p0 / p1 / 1e13, gradient[1, 0].item<float>() / 1e13, 1e-3);
    }

    [Fact]
    public void SoftmaxParameterizationHasUnitColumnSums()
    {
        torch.manual_seed(3);
        using var layer = new SoftmaxTransition(LabelNoise.Symmetric(10, 0.2));
        using (no_grad()) layer.parameters().Single().copy_(randn(10, 10) * 20);
        using var q = layer.Transition();
        using var deviation = q.sum(0, keepdim: false).sub(1).abs().max();
        Assert.True(deviation.item<float>() <= 10 * 1.2e-7f, $"column sums deviate by {deviation.item<float>()}");
        Assert.True(q.ge(0).all().item<bool>());
        Assert.Throws<LatentException>(() => new SoftmaxTransition(eye(3, dtype: ScalarType.Float64)));
    }

    [Fact]
    public void ProjectedLayerIsBackOnTheSimplexAfterEveryStep()
    {
        torch.manual_seed(4);
        var classifier = nn.Linear(4, 3);
        var layer = new ProjectedTransition(eye(3, dtype: ScalarType.Float64));
        using var model = new NoisyLabelClassifier(classifier, layer);
        using var optimizer = optim.SGD(layer.parameters(), 0.5);
        using var inputs = randn(32, 4);
        using var labels = randint(0, 3, new long[] { 32 });
        for (int step = 0; step < 5; step++)
        {
            optimizer.zero_grad();
            using var loss = model.Loss(inputs, labels, 0.1);
            loss.backward();
            optimizer.step();
            layer.AfterOptimizerStep();
            using var q = layer.Transition().detach();
            Assert.True(q.ge(0).all().item<bool>());
            Assert.True(q.sum(0, keepdim: false).sub(1).abs().max().item<float>() < 1e-6f);
        }
        Assert.True(layer.Transition().detach().sub(eye(3)).abs().max().item<float>() > 1e-3f);
    }

    [Fact]
    public void EstimatorCountsTheNoisyLabelsOfEachAssignedClassAndKeepsAnUnassignedClassNoiseFree()
    {
        using var noisy = tensor(new long[] { 0, 0, 0, 1, 1, 1, 0, 1 });
        using var assigned = tensor(new long[] { 0, 0, 0, 0, 1, 1, 1, 1 });
        using var estimate = TransitionEstimator.Estimate(noisy, assigned, 3);
        // Assigned 0: noisy labels 0, 0, 0, 1 → (3/4, 1/4, 0); assigned 1: 1, 1, 0, 1 → (1/4, 3/4, 0); nothing assigned to 2 → (0, 0, 1).
        double[,] expected = { { 0.75, 0.25, 0 }, { 0.25, 0.75, 0 }, { 0, 0, 1 } };
        for (int i = 0; i < 3; i++)
            for (int j = 0; j < 3; j++)
                Assert.Equal(expected[i, j], estimate[i, j].item<double>(), 1e-15);
    }

    [Fact]
    public void TheSecondChoiceKeepsAClassRankedBelowItsFlipTargetApart()
    {
        // 3 classes, 20 examples each, pair-flip: class j keeps 11 labels and gives 9 to j + 1 (mod 3). The classifier ranks class 0's
        // examples (1, 0, 2) — its flip target above itself — class 1's (1, 2, 0) and class 2's (2, 0, 1).
        var noisy = new List<long>();
        var logits = new List<float>();
        float[][] ranking = [[2, 3, 1], [1, 3, 2], [2, 1, 3]];
        for (int cls = 0; cls < 3; cls++)
            for (int k = 0; k < 20; k++)
            {
                noisy.Add(k < 11 ? cls : (cls + 1) % 3);
                logits.AddRange(ranking[cls]);
            }
        using var labels = tensor(noisy.ToArray());
        using var scores = tensor(logits.ToArray(), new long[] { 60, 3 });
        using var ranked = scores.topk(2, dim: 1).indexes;
        // Subgroup (1, 0) holds class 0 alone, and its majority label, 0, names it.
        using var estimate = TransitionEstimator.Estimate(labels, ranked[.., 0], 3, ranked[.., 1]);
        double[,] expected = { { 0.55, 0, 0.45 }, { 0.45, 0.55, 0 }, { 0, 0.45, 0.55 } };
        for (int i = 0; i < 3; i++)
            for (int j = 0; j < 3; j++)
                Assert.Equal(expected[i, j], estimate[i, j].item<double>(), 1e-15);
        // Grouped by the first choice alone, classes 0 and 1 merge under the name 1 and class 0 keeps the identity column.
        using var merged = TransitionEstimator.Estimate(labels, scores.argmax(1), 3);
        Assert.Equal(1.0, merged[0, 0].item<double>(), 1e-15);
        Assert.Equal(11.0 / 40, merged[0, 1].item<double>(), 1e-15);
    }

    [Theory]
    [InlineData(false)]
    [InlineData(true)]
    public void AssignSetsALearnedQAndTheSoftmaxFloorsItsZeros(bool softmax)
    {
        using var start = LabelNoise.Symmetric(3, 0.01);
        using NoiseAdaptation layer = softmax ? new SoftmaxTransition(start) : new ProjectedTransition(start);
        using var target = LabelNoise.PairFlip(3, 0.3);
        layer.Assign(target);
        using var q = layer.Transition().detach().to(ScalarType.Float64);
        double floor = softmax ? SoftmaxTransition.AssignedFloor : 0;
        for (int i = 0; i < 3; i++)
            for (int j = 0; j < 3; j++)
                Assert.Equal(Math.Max(target[i, j].item<double>(), floor) / (1 + (softmax ? floor : 0)), q[i, j].item<double>(), 6);
    }

    [Fact]
    public void SmallCnnMapsImagesToLogitsAndRejectsOtherShapes()
    {
        torch.manual_seed(5);
        using var network = new SmallCnn(new long[] { 1, 28, 28 }, 10, 32);
        using var images = rand(3, 784);
        using var logits = network.call(images);
        Assert.Equal(new long[] { 3, 10 }, logits.shape);
        using var wrong = rand(3, 100);
        Assert.Throws<LatentException>(() => network.call(wrong));
    }

    [Fact]
    public void SmallCnnTakesAnyChannelsAndImageSize()
    {
        torch.manual_seed(6);
        using var colour = new SmallCnn(new long[] { 3, 5, 7 }, 4, 8);
        using var images = rand(2, 3, 5, 7);
        using var logits = colour.call(images);
        Assert.Equal(new long[] { 2, 4 }, logits.shape);
        using var grey = rand(2, 1, 5, 7);
        Assert.Throws<LatentException>(() => colour.call(grey));
    }
}
