namespace Latent.Text;

/// <summary>
/// The skip-gram negative-sampling objective of Mikolov et al. (2013, eq. 4) for one (input, output) pair:
/// L = −log σ(u₀·v) − Σₖ log σ(−uₖ·v), where v is the input row, u₀ the positive output row and uₖ the negative rows.
/// </summary>
public static class NegativeSampling
{
    /// <summary>word2vec.c's MAX_EXP: σ is tabulated on [−6, 6] and saturates outside.</summary>
    public const float MaxExp = 6f;

    private const int TableSize = 1000;

    /// <summary>Targets per step whose dot products fit the step's stack buffer (more take a heap array).</summary>
    private const int MaxStackTargets = 32;
    private static readonly float[] SigmoidTable = Enumerable.Range(0, TableSize)
        .Select(i => (float)(1 / (1 + Math.Exp(-((i / (double)TableSize) * 2 - 1) * MaxExp)))).ToArray();

    /// <summary>
    /// One stochastic-gradient step exactly as word2vec.c takes it: for each target t (targets[0] with label 1, the others
    /// with label 0), g = (label − σ(uₜ·v))·rate, accumulate g·uₜ into <paramref name="inputGradient"/>, then uₜ += g·v;
    /// finally v += the accumulated sum. For distinct targets this is v −= rate·∂L/∂v and uₜ −= rate·∂L/∂uₜ (σ from word2vec.c's table,
    /// with its saturation outside ±6).
    /// </summary>
    public static void Step(float[] input, int inputOffset, OutputRows output, ReadOnlySpan<int> targets, int stride, float rate, float[] inputGradient)
    {
        Array.Clear(inputGradient, 0, stride);
        Accumulate(input, inputOffset, output, targets, stride, rate, inputGradient);
        VectorMath.Axpy(1f, inputGradient, 0, input, inputOffset, stride);
    }

    /// <summary>
    /// The output half of <see cref="Step"/>: updates the target rows uₜ and adds Σₜ gₜ·uₜ (the input's step, −rate·∂L/∂v) to
    /// <paramref name="inputGradient"/> without touching the input row, which may be a hidden vector formed from several rows.
    /// All the dot products are taken first, so that the target rows are fetched from memory together rather than one after
    /// another; a noise word drawn twice has its dot product taken again after its first update, as in word2vec.c's sequential loop.
    /// </summary>
    public static void Accumulate(float[] input, int inputOffset, OutputRows output, ReadOnlySpan<int> targets, int stride, float rate, float[] inputGradient)
    {
        Span<float> dots = targets.Length <= MaxStackTargets ? stackalloc float[MaxStackTargets] : new float[targets.Length];
        for (int d = 0; d < targets.Length; d++) dots[d] = VectorMath.Dot(input, inputOffset, output.Row(targets[d], out int offset), offset, stride);
        for (int d = 0; d < targets.Length; d++)
        {
            var rows = output.Row(targets[d], out int outputOffset);
            float label = d == 0 ? 1f : 0f;
            float f = d > 1 && targets[1..d].Contains(targets[d]) ? VectorMath.Dot(input, inputOffset, rows, outputOffset, stride) : dots[d];
            float g;
            if (f >= MaxExp) g = (label - 1) * rate;
            else if (f < -MaxExp) g = label * rate;
            else g = (label - TableSigmoid(f)) * rate;
            VectorMath.AccumulateAndUpdate(g, input, inputOffset, rows, outputOffset, inputGradient, stride);
        }
    }

    /// <summary>σ(<paramref name="f"/>) from word2vec.c's 1000-cell table; <paramref name="f"/> must lie in [−MaxExp, MaxExp).</summary>
    internal static float TableSigmoid(float f) => SigmoidTable[(int)((f + MaxExp) * (TableSize / MaxExp / 2))];

    /// <summary>The loss L for one pair in double precision with an exact, numerically stable log σ.</summary>
    public static double Loss(float[] input, int inputOffset, float[] output, ReadOnlySpan<int> targets, int stride)
    {
        double loss = 0;
        for (int d = 0; d < targets.Length; d++)
        {
            double f = VectorMath.DotDouble(input, inputOffset, output, targets[d] * stride, stride);
            loss -= LogSigmoid(d == 0 ? f : -f);
        }
        return loss;
    }

    /// <summary>log σ(x), computed without overflow.</summary>
    internal static double LogSigmoid(double x) => x >= 0 ? -Math.Log(1 + Math.Exp(-x)) : x - Math.Log(1 + Math.Exp(x));
}
