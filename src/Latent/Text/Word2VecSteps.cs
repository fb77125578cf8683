namespace Latent.Text;

/// <summary>
/// The output half of a word2vec update (gensim's and word2vec.c's <c>hs</c> and <c>negative</c> branches): given the hidden vector h
/// and the word to predict, update the output weights and add h's step to the gradient. Implemented by structs so that the
/// training loop, generic over them, runs without virtual calls.
/// </summary>
internal interface IOutputStep
{
    /// <summary>Predicts <paramref name="target"/> from h = hidden[offset…]: updates the output rows and adds −rate·∂L/∂h to <paramref name="gradient"/>.</summary>
    void Step(float[] hidden, int offset, int target, float rate, float[] gradient, ref LinearCongruentialRandom random);

    /// <summary>The loss of predicting <paramref name="target"/> from h = hidden[offset…], in nats, in double precision.</summary>
    double Loss(float[] hidden, int offset, int target, ref LinearCongruentialRandom random);

    /// <summary>Adds the thread's change to its private output rows to the shared ones (see <see cref="OutputRows.Publish"/>).</summary>
    void Publish();
}

/// <summary>Negative sampling: the target's row of syn1neg against <see cref="Word2VecOptions.Negative"/> noise words' rows (unigram^0.75).</summary>
internal readonly struct NegativeSamplingOutput(OutputRows output, UnigramTable noise, int negative, int stride) : IOutputStep
{
    private readonly int[] targets = new int[negative + 1];

    /// <inheritdoc />
    public void Step(float[] hidden, int offset, int target, float rate, float[] gradient, ref LinearCongruentialRandom random) =>
        NegativeSampling.Accumulate(hidden, offset, output, Targets(target, ref random), stride, rate, gradient);

    /// <inheritdoc />
    public double Loss(float[] hidden, int offset, int target, ref LinearCongruentialRandom random) =>
        NegativeSampling.Loss(hidden, offset, output.Shared, Targets(target, ref random), stride);

    /// <inheritdoc />
    public void Publish() => output.Publish();

    /// <summary>The target followed by the noise words drawn for it (a draw equal to the target is dropped, as word2vec.c does).</summary>
    private ReadOnlySpan<int> Targets(int target, ref LinearCongruentialRandom random)
    {
        targets[0] = target;
        int count = 1;
        for (int k = 0; k < negative; k++)
        {
            int word = noise.Sample(ref random);
            if (word != target) targets[count++] = word;
        }
        return targets.AsSpan(0, count);
    }
}

/// <summary>Hierarchical softmax: one binary decision per inner node on the target's Huffman path (see <see cref="HierarchicalSoftmax"/>).</summary>
internal readonly struct HierarchicalSoftmaxOutput(OutputRows output, HuffmanTree tree, int stride) : IOutputStep
{
    /// <inheritdoc />
    public void Step(float[] hidden, int offset, int target, float rate, float[] gradient, ref LinearCongruentialRandom random) =>
        HierarchicalSoftmax.Accumulate(hidden, offset, output, tree, target, stride, rate, gradient);

    /// <inheritdoc />
    public double Loss(float[] hidden, int offset, int target, ref LinearCongruentialRandom random) =>
        HierarchicalSoftmax.Loss(hidden, offset, output.Shared, tree, target, stride);

    /// <inheritdoc />
    public void Publish() => output.Publish();
}

/// <summary>
/// The input half of a word2vec update (skip-gram or CBOW): forms the hidden vector from the window around one position, asks the
/// output step to predict the centre word, and sends the returned gradient to the input rows. Implemented by structs (see <see cref="IOutputStep"/>).
/// </summary>
internal interface IContextStep
{
    /// <summary>
    /// Trains the predictions of the word at <paramref name="position"/> of <paramref name="sentence"/> from the words at [from, to]
    /// (the position itself excluded); <paramref name="hidden"/> and <paramref name="gradient"/> are one padded row of scratch each.
    /// </summary>
    void Train<TOutput>(ref TOutput output, float[] input, int stride, ReadOnlySpan<int> sentence, int position, int from, int to, float rate,
        ref LinearCongruentialRandom random, float[] hidden, float[] gradient) where TOutput : struct, IOutputStep;

    /// <summary>Adds the loss of the same predictions to <paramref name="total"/> and their number to <paramref name="predictions"/>.</summary>
    void Loss<TOutput>(ref TOutput output, float[] input, int stride, ReadOnlySpan<int> sentence, int position, int from, int to,
        ref LinearCongruentialRandom random, float[] hidden, ref double total, ref long predictions) where TOutput : struct, IOutputStep;
}

/// <summary>Skip-gram: every context word's input row on its own predicts the centre word (word2vec.c's pairs, context row as input).</summary>
internal readonly struct SkipGramContext : IContextStep
{
    /// <inheritdoc />
    public void Train<TOutput>(ref TOutput output, float[] input, int stride, ReadOnlySpan<int> sentence, int position, int from, int to, float rate,
        ref LinearCongruentialRandom random, float[] hidden, float[] gradient) where TOutput : struct, IOutputStep
    {
        for (int c = from; c <= to; c++)
        {
            if (c == position) continue;
            int row = sentence[c] * stride;
            Array.Clear(gradient, 0, stride);
            output.Step(input, row, sentence[position], rate, gradient, ref random);
            VectorMath.Axpy(1f, gradient, 0, input, row, stride);
        }
    }

    /// <inheritdoc />
    public void Loss<TOutput>(ref TOutput output, float[] input, int stride, ReadOnlySpan<int> sentence, int position, int from, int to,
        ref LinearCongruentialRandom random, float[] hidden, ref double total, ref long predictions) where TOutput : struct, IOutputStep
    {
        for (int c = from; c <= to; c++)
        {
            if (c == position) continue;
            total += output.Loss(input, sentence[c] * stride, sentence[position], ref random);
            predictions++;
        }
    }
}

/// <summary>
/// CBOW: the mean (or, with <paramref name="mean"/> false, the sum) of the context words' input rows predicts the centre word. As in
/// gensim (word2vec.c knows the mean only), the mean's whole step is added to every context row, and the sum's step divided by the
/// number of context words.
/// </summary>
internal readonly struct CbowContext(bool mean) : IContextStep
{
    /// <inheritdoc />
    public void Train<TOutput>(ref TOutput output, float[] input, int stride, ReadOnlySpan<int> sentence, int position, int from, int to, float rate,
        ref LinearCongruentialRandom random, float[] hidden, float[] gradient) where TOutput : struct, IOutputStep
    {
        if (!Hidden(input, stride, sentence, position, from, to, hidden)) return;
        Array.Clear(gradient, 0, stride);
        output.Step(hidden, 0, sentence[position], rate, gradient, ref random);
        if (!mean) VectorMath.Scale(1f / (to - from), gradient, stride);
        for (int c = from; c <= to; c++)
            if (c != position) VectorMath.Axpy(1f, gradient, 0, input, sentence[c] * stride, stride);
    }

    /// <inheritdoc />
    public void Loss<TOutput>(ref TOutput output, float[] input, int stride, ReadOnlySpan<int> sentence, int position, int from, int to,
        ref LinearCongruentialRandom random, float[] hidden, ref double total, ref long predictions) where TOutput : struct, IOutputStep
    {
        if (!Hidden(input, stride, sentence, position, from, to, hidden)) return;
        total += output.Loss(hidden, 0, sentence[position], ref random);
        predictions++;
    }

    /// <summary>Sums (and with <c>mean</c> averages) the context rows into <paramref name="hidden"/>; false when the window holds no context word.</summary>
    private bool Hidden(float[] input, int stride, ReadOnlySpan<int> sentence, int position, int from, int to, float[] hidden)
    {
        if (to - from < 1) return false;
        Array.Clear(hidden, 0, stride);
        for (int c = from; c <= to; c++)
            if (c != position) VectorMath.Axpy(1f, input, sentence[c] * stride, hidden, 0, stride);
        if (mean) VectorMath.Scale(1f / (to - from), hidden, stride);
        return true;
    }
}
