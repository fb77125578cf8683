using Latent.Nn;

namespace Latent.Studies;

/// <summary>The training set of a batch-size study: inputs, targets and the kind of per-example loss.</summary>
public sealed record StudyData(Tensor Inputs, Tensor Targets, StudyTask Task, int Outputs)
{
    /// <summary>Number of training examples N.</summary>
    public long Count => Inputs.shape[0];

    /// <summary>Number of input features.</summary>
    public int InputSize => (int)Inputs.shape[1];

    /// <summary>
    /// A reproducible regression set in the spirit of the seed question: inputs ~ N(0, I), targets from a fixed
    /// random teacher network (tanh, 32 hidden units) plus Gaussian noise of standard deviation 0.1.
    /// </summary>
    public static StudyData SyntheticRegression(int examples = 50, int inputs = 10, int outputs = 20, long seed = 0)
    {
        if (examples < 1 || inputs < 1 || outputs < 1)
            throw new LatentException($"synthetic regression needs positive sizes, got {examples} examples, {inputs} inputs, {outputs} outputs");
        using var generator = new Generator((ulong)seed + 12_345UL);
        var x = randn(new long[] { examples, inputs }, generator: generator);
        var w1 = randn(new long[] { inputs, 32 }, generator: generator) / Math.Sqrt(inputs);
        var w2 = randn(new long[] { 32, outputs }, generator: generator) / Math.Sqrt(32);
        var y = x.mm(w1).tanh().mm(w2) + 0.1 * randn(new long[] { examples, outputs }, generator: generator);
        return new StudyData(x, y, StudyTask.Regression, outputs);
    }

    /// <summary>
    /// The training part of a labelled <paramref name="data"/> set (features flattened to [N, D], cross-entropy over its C classes),
    /// at most <paramref name="examples"/> of it (null: all); copies, so the data set may be disposed.
    /// </summary>
    public static StudyData FromDataset(Dataset data, long? examples = null)
    {
        var part = examples is { } cap ? data.Train.Take(cap) : data.Train;
        var labels = part.RequireLabels("the batch-size study");
        if (data.ClassCount < 2) throw new LatentException($"{data.Source}: the batch-size study needs at least 2 classes, got {data.ClassCount}");
        return new StudyData(part.Flat().clone(), labels.clone(), StudyTask.Classification, data.ClassCount);
    }

    /// <summary>The same examples with inputs and targets on <paramref name="device"/> (the same tensors' views where they are there already).</summary>
    public StudyData On(Device device) => this with { Inputs = Inputs.to(device), Targets = Targets.to(device) };

    /// <summary>The per-example losses of <paramref name="model"/> on the examples at <paramref name="indices"/>.</summary>
    public Tensor PerExampleLoss(Mlp model, Tensor indices)
    {
        var prediction = model.forward(Inputs.index_select(0, indices));
        var target = Targets.index_select(0, indices);
        return Task == StudyTask.Regression
            ? (prediction - target).square().mean(new long[] { 1 })
            : nn.functional.cross_entropy(prediction, target, reduction: nn.Reduction.None);
    }
}
