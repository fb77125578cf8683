namespace Latent.Text;

/// <summary>
/// Skip-gram word2vec with negative sampling (Mikolov et al. 2013), following word2vec.c: frequent-word subsampling,
/// a unigram^0.75 noise distribution, a randomly reduced window, a learning rate decaying linearly over all epochs, and
/// worker threads that update the shared vectors without locks (Hogwild). Rows are padded to whole SIMD vectors.
/// </summary>
public sealed class Word2Vec
{
    private const long AlphaUpdateInterval = 10_000;

    private readonly float[] input;
    private readonly float[] output;

    private Word2Vec(Vocabulary vocabulary, Word2VecSettings settings)
    {
        Vocabulary = vocabulary;
        Settings = settings;
        Stride = VectorMath.PaddedStride(settings.Dimensions);
        input = new float[vocabulary.Count * Stride];
        output = new float[vocabulary.Count * Stride];
        var random = new LinearCongruentialRandom(settings.Seed);
        for (int w = 0; w < vocabulary.Count; w++)
        {
            for (int i = 0; i < settings.Dimensions; i++) input[w * Stride + i] = (random.NextUnit16() - 0.5f) / settings.Dimensions;
        }
        NoiseDistribution = new UnigramTable(vocabulary.Counts);
    }

    /// <summary>The trained words and their counts.</summary>
    public Vocabulary Vocabulary { get; }

    /// <summary>The settings the vectors were trained with.</summary>
    public Word2VecSettings Settings { get; }

    /// <summary>Row stride of the padded input and output matrices.</summary>
    public int Stride { get; }

    /// <summary>The negative-sampling distribution (unigram^0.75).</summary>
    public UnigramTable NoiseDistribution { get; }

    /// <summary>Training tokens seen per second, over all epochs, in the last call to <see cref="Train"/>.</summary>
    public double WordsPerSecond { get; private set; }

    /// <summary>The input (syn0) vectors: the word vectors word2vec.c saves.</summary>
    public WordVectors Vectors
    {
        get
        {
            int d = Settings.Dimensions;
            var data = new float[Vocabulary.Count * d];
            for (int w = 0; w < Vocabulary.Count; w++) Array.Copy(input, w * Stride, data, w * d, d);
            return new WordVectors(Vocabulary.Words, d, data);
        }
    }

    /// <summary>Builds the vocabulary of <paramref name="tokens"/> and trains skip-gram vectors on them.</summary>
    public static Word2Vec Train(IReadOnlyList<string> tokens, Word2VecSettings settings, IProgress<double>? progress = null)
    {
        settings.Validate();
        var vocabulary = Vocabulary.Build(tokens, settings.MinCount, withUnknown: false);
        var model = new Word2Vec(vocabulary, settings);
        var corpus = vocabulary.Encode(tokens);
        var clock = System.Diagnostics.Stopwatch.StartNew();
        model.Run(corpus, progress);
        model.WordsPerSecond = (double)corpus.Length * settings.Epochs / clock.Elapsed.TotalSeconds;
        return model;
    }

    /// <summary>
    /// Mean negative-sampling loss per (input, output) pair on <paramref name="tokens"/> (words outside the vocabulary
    /// dropped, no subsampling, full window), with <see cref="Word2VecSettings.Negative"/> noise words per pair drawn with
    /// a generator seeded by <paramref name="seed"/>.
    /// </summary>
    public double HeldOutLoss(IEnumerable<string> tokens, ulong seed)
    {
        var corpus = Vocabulary.Encode(tokens);
        var random = new LinearCongruentialRandom(seed);
        Span<int> targets = stackalloc int[Settings.Negative + 1];
        double total = 0;
        long pairs = 0;
        for (int p = 0; p < corpus.Length; p++)
        {
            for (int c = Math.Max(0, p - Settings.Window); c <= Math.Min(corpus.Length - 1, p + Settings.Window); c++)
            {
                if (c == p) continue;
                int count = FillTargets(targets, corpus[p], ref random);
                total += NegativeSampling.Loss(input, corpus[c] * Stride, output, targets[..count], Stride);
                pairs++;
            }
        }
        if (pairs == 0) throw new LatentException("held-out text has no pair of in-vocabulary words");
        return total / pairs;
    }

    private int FillTargets(Span<int> targets, int word, ref LinearCongruentialRandom random)
    {
        targets[0] = word;
        int count = 1;
        for (int k = 0; k < Settings.Negative; k++)
        {
            int noise = NoiseDistribution.Sample(ref random);
            if (noise != word) targets[count++] = noise;
        }
        return count;
    }

    private void Run(int[] corpus, IProgress<double>? progress)
    {
        var subsampler = new FrequentWordSubsampler(Vocabulary.Counts, Settings.Sample);
        long totalWork = (long)Settings.Epochs * corpus.Length + 1;
        long processed = 0;
        void Worker(int thread)
        {
            var random = new LinearCongruentialRandom(Settings.Seed * 1_000_003UL + (ulong)thread + 1);
            int start = (int)((long)corpus.Length * thread / Settings.Threads);
            int end = (int)((long)corpus.Length * (thread + 1) / Settings.Threads);
            var sentence = new int[Settings.MaxSentenceLength];
            var gradient = new float[Stride];
            Span<int> targets = stackalloc int[Settings.Negative + 1];
            float alpha = Settings.StartingAlpha;
            long sinceUpdate = 0;
            for (int epoch = 0; epoch < Settings.Epochs; epoch++)
            {
                int position = start;
                while (position < end)
                {
                    if (sinceUpdate >= AlphaUpdateInterval)
                    {
                        long done = Interlocked.Add(ref processed, sinceUpdate);
                        sinceUpdate = 0;
                        alpha = Math.Max(Settings.StartingAlpha * (1 - done / (float)totalWork), Settings.StartingAlpha * 1e-4f);
                        if (thread == 0) progress?.Report((double)done / totalWork);
                    }
                    int length = 0;
                    while (position < end && length < sentence.Length)
                    {
                        int word = corpus[position++];
                        sinceUpdate++;
                        if (subsampler.Keep(word, ref random)) sentence[length++] = word;
                    }
                    TrainSentence(sentence.AsSpan(0, length), alpha, ref random, targets, gradient);
                }
            }
        }
        var workers = Enumerable.Range(1, Settings.Threads - 1).Select(t => new Thread(() => Worker(t), 1 << 20)).ToList();
        foreach (var w in workers) w.Start();
        Worker(0);
        foreach (var w in workers) w.Join();
        progress?.Report(1.0);
    }

    private void TrainSentence(ReadOnlySpan<int> sentence, float alpha, ref LinearCongruentialRandom random, Span<int> targets, float[] gradient)
    {
        int window = Settings.Window;
        for (int p = 0; p < sentence.Length; p++)
        {
            int word = sentence[p];
            int reduced = random.NextInt(window);
            int from = Math.Max(0, p - window + reduced), to = Math.Min(sentence.Length - 1, p + window - reduced);
            for (int c = from; c <= to; c++)
            {
                if (c == p) continue;
                int count = FillTargets(targets, word, ref random);
                NegativeSampling.Step(input, sentence[c] * Stride, output, targets[..count], Stride, alpha, gradient);
            }
        }
    }
}
