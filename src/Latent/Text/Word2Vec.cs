using System.Runtime.CompilerServices;

namespace Latent.Text;

/// <summary>
/// word2vec (Mikolov et al. 2013) in its four forms, skip-gram or CBOW with negative sampling or hierarchical softmax, following
/// word2vec.c: frequent-word subsampling, a unigram^0.75 noise distribution or a Huffman tree, a randomly reduced window, a learning
/// rate decaying linearly over all epochs, and worker threads that update the shared weights without locks (Hogwild). The context
/// step (<see cref="SkipGramContext"/>, <see cref="CbowContext"/>) and the output step (<see cref="NegativeSamplingOutput"/>,
/// <see cref="HierarchicalSoftmaxOutput"/>) are struct type arguments of one training loop. Rows are padded to whole SIMD vectors.
/// Create it from <see cref="Word2VecOptions"/>, <see cref="Fit"/> it on tokens, query it, <see cref="Save"/> and <see cref="Load"/> it.
/// </summary>
public sealed class Word2Vec : LatentModel, ILatentModel<IReadOnlyList<string>>
{
    /// <summary>The model kind written into config.json.</summary>
    public const string Kind = "word2vec";

    /// <summary>The model folder's format version.</summary>
    public const int FormatVersion = 2;

    /// <summary>File names inside a model folder besides config.json and model.safetensors.</summary>
    public const string VocabularyFile = "vocabulary.txt", BinaryVectorsFile = "vectors.bin", TextVectorsFile = "vectors.txt";

    private const long AlphaUpdateInterval = 10_000;

    /// <summary>
    /// The output rows each thread keeps private copies of when several threads train (see <see cref="Text.OutputRows"/>; at most a
    /// sixteenth of the matrix), published after every sentence. On Brown with 2 threads, skip-gram with hierarchical softmax took 6.2 s with 64 and 5.3 s with 256 (17.2 s with none); with
    /// negative sampling 1,024 made the held-out loss worse (2.57 against 2.48) and no faster.
    /// </summary>
    private const int PrivateOutputRows = 256;
    private const string InputKey = "input_embedding.weight", OutputKey = "output_embedding.weight", NodeKey = "huffman_node.weight";
    private static readonly JsonSerializerOptions Json = new() { PropertyNamingPolicy = JsonNamingPolicy.SnakeCaseLower };

    private Vocabulary? vocabulary;
    private float[] input = [];
    private float[] output = [];
    private UnigramTable? noise;
    private HuffmanTree? tree;
    private WordVectors? vectors;

    /// <summary>An unfitted model with <paramref name="options"/> (validated here; a learning rate left to the model is fixed to its default).</summary>
    public Word2Vec(Word2VecOptions options)
        : base(Kind, new DataDescription(), TrainingRecord.Untrained(JsonSerializer.SerializeToNode(Resolve(options), Json)!, options.Seed))
    {
        Options = Resolve(options);
        Stride = VectorMath.PaddedStride(options.Dimensions);
    }

    /// <summary><paramref name="options"/>, validated, with the starting learning rate in effect written out (so config.json records it).</summary>
    private static Word2VecOptions Resolve(Word2VecOptions options)
    {
        options.Validate();
        return options with { StartingAlpha = options.Alpha };
    }

    /// <summary>Word2vec trains on the CPU's threads (Hogwild), outside libtorch.</summary>
    public override Device Device => CPU;

    /// <inheritdoc />
    public override string Describe() =>
        $"word2vec {Options.Model} with {Options.Loss} loss, {(vocabulary is null ? "vocabulary not built" : $"{vocabulary.Count} words")}, {Options.Dimensions} dimensions, window {Options.Window}";

    /// <summary>The options the vectors are trained with.</summary>
    public Word2VecOptions Options { get; }

    /// <summary>The trained words and their counts.</summary>
    public Vocabulary Vocabulary => vocabulary ?? throw new LatentException("the word2vec model is not fitted yet");

    /// <summary>Row stride of the padded input and output matrices.</summary>
    public int Stride { get; }

    /// <summary>The negative-sampling distribution (unigram^0.75).</summary>
    public UnigramTable NoiseDistribution => noise ?? throw new LatentException("the word2vec model is not fitted yet");

    /// <summary>Training tokens seen per second, over all epochs, in the last call to <see cref="Fit"/> (0 after <see cref="Load"/>).</summary>
    public double WordsPerSecond { get; private set; }

    /// <summary>The Huffman tree hierarchical softmax walks (built for that loss only).</summary>
    public HuffmanTree Tree => tree ?? throw new LatentException(vocabulary is null ? "the word2vec model is not fitted yet" : "only hierarchical softmax has a Huffman tree");

    /// <summary>The input (syn0) vectors: the word vectors word2vec.c saves.</summary>
    public WordVectors Vectors => vectors ??= new(Vocabulary.Words, Options.Dimensions, Unpad(input));

    /// <summary>The output (syn1neg) vectors that negative sampling scores the input vectors against (negative sampling only).</summary>
    public WordVectors OutputVectors => Options.OutputLoss == Word2VecLoss.NegativeSampling
        ? new(Vocabulary.Words, Options.Dimensions, Unpad(output))
        : throw new LatentException("hierarchical softmax has no output vector per word; its weights belong to the Huffman tree's inner nodes (OutputWeights)");

    /// <summary>The output weights, row-major [rows, d]: syn1neg's row per word for negative sampling, syn1's row per inner Huffman node for hierarchical softmax.</summary>
    public float[] OutputWeights => Unpad(output);

    /// <summary>Rows of the output weights: one per word, or one per inner node of the Huffman tree.</summary>
    private int OutputRowCount => Options.OutputLoss == Word2VecLoss.HierarchicalSoftmax ? Vocabulary.Count - 1 : Vocabulary.Count;

    /// <summary>
    /// Builds the vocabulary of <paramref name="tokens"/> (lowercased first when <see cref="Word2VecOptions.Lowercase"/> is set)
    /// and trains vectors on them from a fresh seeded start; <paramref name="progress"/> receives the fraction done.
    /// With a <paramref name="checkpointPath"/> the worker threads meet after every epoch and a checkpoint is written there
    /// atomically; <paramref name="stop"/> makes each thread stop after its current sentence, writes the checkpoint and throws
    /// <see cref="TrainingInterruptedException"/>; <paramref name="resume"/> continues from the checkpoint (exactly, with one thread;
    /// with more, as nondeterministically as Hogwild training always is). <paramref name="log"/> receives, after every epoch, the words
    /// per second and the negative-sampling loss on the corpus's first <see cref="LoggedLossTokens"/> words.
    /// </summary>
    public Word2Vec Fit(IReadOnlyList<string> tokens, Action<double>? progress = null, string? checkpointPath = null, bool resume = false, CancellationToken stop = default, RunLog? log = null)
    {
        if (resume && checkpointPath is null) throw new LatentException("resume needs a checkpoint path");
        vectors = null;
        var (vocabulary, corpus, sample) = BuildVocabulary(Corpus.Of(tokens), stop);
        this.vocabulary = vocabulary;
        if (Options.OutputLoss == Word2VecLoss.HierarchicalSoftmax && vocabulary.Count < 2)
            throw new LatentException($"hierarchical softmax needs at least 2 words in the vocabulary, got {vocabulary.Count}");
        input = new float[vocabulary.Count * Stride];
        output = new float[OutputRowCount * Stride];
        var random = new LinearCongruentialRandom(RunSeed);
        for (int w = 0; w < vocabulary.Count; w++)
        {
            for (int i = 0; i < Options.Dimensions; i++) input[w * Stride + i] = (random.NextUnit16() - 0.5f) / Options.Dimensions;
        }
        BuildOutputModel();
        var run = new Word2VecRun(Options, corpus.Length, RunSeed);
        if (resume) run.Load(checkpointPath!, input, output);
        long before = run.Processed;
        var clock = System.Diagnostics.Stopwatch.StartNew();
        WithSteps(new TrainingRun(this, corpus, run, progress, checkpointPath, stop, log is null ? null : EpochLogger(log, run, sample)), output, Options.Threads > 1 ? PrivateOutputRows : 0);
        WordsPerSecond = (run.Processed - before) / clock.Elapsed.TotalSeconds;
        Training = Training.Finished(Corpus.ProvenanceOf(tokens, tokens.Count));
        return this;
    }

    /// <summary>
    /// Builds the vocabulary from the counts of <paramref name="tokens"/>' distinct tokens (lowercased first when
    /// <see cref="Word2VecOptions.Lowercase"/> is set, so that tokens differing in case only are one word) and returns the corpus
    /// encoded by it (words outside it dropped, as word2vec.c does) and its first <see cref="LoggedLossTokens"/> words.
    /// </summary>
    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    private (Vocabulary Vocabulary, int[] Encoded, List<string> Sample) BuildVocabulary(Corpus tokens, CancellationToken stop)
    {
        var words = new string[tokens.Types.Count];
        for (int t = 0; t < words.Length; t++) words[t] = Normalise(tokens.Types[t]);
        var ids = tokens.TypeIds;
        var occurrences = new long[words.Length];
        for (int i = 0; i < ids.Length; i++)
        {
            if (i % 65536 == 0) PhaseInterruptedException.ThrowIf(stop, "building the vocabulary");
            occurrences[ids[i]]++;
        }
        var frequency = new Dictionary<string, long>(StringComparer.Ordinal);
        for (int t = 0; t < words.Length; t++)
            if (occurrences[t] > 0) frequency[words[t]] = frequency.GetValueOrDefault(words[t]) + occurrences[t];
        var vocabulary = Vocabulary.FromCounts(frequency, Options.MinCount, withUnknown: false, Options.MaxVocab);
        var index = new int[words.Length];
        long kept = 0;
        for (int t = 0; t < words.Length; t++)
            if ((index[t] = vocabulary.IndexOf(words[t])) >= 0) kept += occurrences[t];
        var encoded = new int[kept];
        int n = 0;
        foreach (int id in ids)
            if (index[id] >= 0) encoded[n++] = index[id];
        var sample = new List<string>(Math.Min(LoggedLossTokens, ids.Length));
        for (int i = 0; i < sample.Capacity; i++) sample.Add(words[ids[i]]);
        return (vocabulary, encoded, sample);
    }

    /// <summary>The <paramref name="k"/> words nearest to <paramref name="word"/> by cosine.</summary>
    public IReadOnlyList<(string Word, double Similarity)> Similar(string word, int k) => Vectors.MostSimilar(Normalise(word), k);

    /// <summary>Answers a : b :: c : ? with the <paramref name="k"/> words nearest to b − a + c (3CosAdd).</summary>
    public IReadOnlyList<(string Word, double Similarity)> Analogy(string a, string b, string c, int k) =>
        Vectors.Analogy(Normalise(a), Normalise(b), Normalise(c), k);

    /// <summary>
    /// Writes the model folder: config.json (kind "word2vec", options, vocabulary size), model.safetensors (the input embedding
    /// [V, d] and either the negative-sampling output embedding [V, d] or the Huffman tree's inner-node weights [V − 1, d]), vocabulary.txt, and the vectors in word2vec.c's binary and text formats (readable by gensim's
    /// KeyedVectors.load_word2vec_format). Returns the paths written.
    /// </summary>
    public override IReadOnlyList<string> Save(string directory)
    {
        int v = Vocabulary.Count, d = Options.Dimensions;
        var architecture = new JsonObject { ["model"] = Options.Model, ["loss"] = Options.Loss, ["vocabulary_size"] = v, ["dimensions"] = d };
        var paths = new[] { ModelFolder.ConfigFile, ModelFolder.WeightsFile, VocabularyFile, BinaryVectorsFile, TextVectorsFile }.Select(f => Path.Combine(directory, f)).ToArray();
        ModelFolder.Save(directory, new ModelConfig(Kind, FormatVersion, architecture, Data, Training), new Dictionary<string, (float[], long[])> { [InputKey] = (Unpad(input), [v, d]), [OutputWeightKey] = (Unpad(output), [OutputRowCount, d]) });
        Vocabulary.Save(paths[2]);
        Vectors.Save(paths[3], WordVectorFormat.Binary);
        Vectors.Save(paths[4], WordVectorFormat.Text);
        return paths;
    }

    /// <summary>Reads a folder written by <see cref="Save"/>; a folder of another kind or version is refused in one line.</summary>
    public static Word2Vec Load(string directory) => LatentException.Naming(directory, () => Read(directory));

    /// <summary>Reads and checks the folder; <see cref="Load"/> puts the folder in front of any error that does not name it.</summary>
    private static Word2Vec Read(string directory)
    {
        LatentRuntime.Initialize();
        var config = ModelFolder.ReadConfig(directory, Kind, FormatVersion);
        var options = config.ReadOptions<Word2VecOptions>(Json);
        var model = new Word2Vec(options) { vocabulary = Vocabulary.Load(Path.Combine(directory, VocabularyFile)), Training = config.Training };
        int v = model.Vocabulary.Count, d = options.Dimensions;
        var weights = ModelFolder.ReadWeights(directory);
        try
        {
            model.input = model.Pad(Matrix(weights, InputKey, v, d, directory));
            model.output = model.Pad(Matrix(weights, model.OutputWeightKey, model.OutputRowCount, d, directory));
        }
        finally
        {
            foreach (var value in weights.Values) value.Dispose();
        }
        model.BuildOutputModel();
        return model;
    }

    /// <inheritdoc />
    IModelMetrics ILatentModel<IReadOnlyList<string>>.Evaluate(IReadOnlyList<string> data, CancellationToken stop) => new Word2VecMetrics(HeldOutLoss(data, unchecked((ulong)Options.Seed + 1), stop));

    /// <summary>Holds no native memory: the vectors are managed arrays.</summary>
    public override void Dispose()
    {
    }

    /// <summary>
    /// Mean loss per prediction of the model's own kind on <paramref name="tokens"/> (words outside the vocabulary dropped, no
    /// subsampling, full window): per (context, centre) pair for skip-gram, per window for CBOW; the negative-sampling loss with
    /// <see cref="Word2VecOptions.Negative"/> noise words drawn by a generator seeded with <paramref name="seed"/>, or hierarchical
    /// softmax's exact −log p(word | context); <paramref name="stop"/> is checked every 4096 positions (<see cref="PhaseInterruptedException"/>).
    /// </summary>
    public double HeldOutLoss(IEnumerable<string> tokens, ulong seed, CancellationToken stop = default) => LossUnder(input, output, Vocabulary.Encode(tokens), seed, stop);

    /// <summary>The held-out loss of the encoded <paramref name="corpus"/> under the given padded input vectors and output weights (the model's own, or a snapshot's).</summary>
    private double LossUnder(float[] inputWeights, float[] outputWeights, int[] corpus, ulong seed, CancellationToken stop) =>
        WithSteps(new HeldOut(this, inputWeights, corpus, seed, stop), outputWeights, privateRows: 0);

    /// <summary>The held-out loss with the steps as type arguments: every position's full window, one generator for the noise words.</summary>
    private double HeldOutLoss<TContext, TOutput>(TContext context, TOutput output, float[] inputWeights, int[] corpus, ulong seed, CancellationToken stop)
        where TContext : struct, IContextStep where TOutput : struct, IOutputStep
    {
        var random = new LinearCongruentialRandom(seed);
        var hidden = new float[Stride];
        double total = 0;
        long predictions = 0;
        for (int p = 0; p < corpus.Length; p++)
        {
            if (p % 4096 == 0) PhaseInterruptedException.ThrowIf(stop, "the held-out loss");
            context.Loss(ref output, inputWeights, Stride, corpus, p, Math.Max(0, p - Options.Window), Math.Min(corpus.Length - 1, p + Options.Window), ref random, hidden, ref total, ref predictions);
        }
        if (predictions == 0) throw new LatentException("held-out text has no pair of in-vocabulary words");
        return total / predictions;
    }

    /// <summary>The weights' name in model.safetensors by role: the negative-sampling output embedding, or the Huffman tree's inner nodes.</summary>
    private string OutputWeightKey => Options.OutputLoss == Word2VecLoss.HierarchicalSoftmax ? NodeKey : OutputKey;

    /// <summary>Builds the noise distribution, and the Huffman tree for hierarchical softmax, from the vocabulary's counts.</summary>
    private void BuildOutputModel()
    {
        noise = new UnigramTable(Vocabulary.Counts);
        tree = Options.OutputLoss == Word2VecLoss.HierarchicalSoftmax ? new HuffmanTree(Vocabulary.Counts) : null;
    }

    /// <summary>Something done with the model's context and output steps as struct type arguments (training, held-out loss).</summary>
    private interface IStepsUser<out TResult>
    {
        /// <summary>Does it with <paramref name="context"/> and a fresh output step per thread from <paramref name="output"/>.</summary>
        TResult Use<TContext, TOutput>(TContext context, Func<TOutput> output) where TContext : struct, IContextStep where TOutput : struct, IOutputStep;
    }

    /// <summary>
    /// The one place the options' model and loss choose the struct steps, whose output step works on <paramref name="outputWeights"/>,
    /// each thread's with private copies of up to <paramref name="privateRows"/> of its most shared rows (<see cref="Text.OutputRows"/>).
    /// </summary>
    private TResult WithSteps<TResult>(IStepsUser<TResult> user, float[] outputWeights, int privateRows) => Options.Architecture == Word2VecArchitecture.Cbow
        ? WithOutput(new CbowContext(Options.CbowMean), user, outputWeights, privateRows)
        : WithOutput(new SkipGramContext(), user, outputWeights, privateRows);

    /// <summary>The second half of <see cref="WithSteps{TResult}"/>: the options' loss chooses the output step, one per thread over the shared <paramref name="weights"/>.</summary>
    private TResult WithOutput<TContext, TResult>(TContext context, IStepsUser<TResult> user, float[] weights, int privateRows) where TContext : struct, IContextStep
    {
        // At most a sixteenth of the rows: on a 40-word vocabulary with every row private, two threads on a loaded machine trained to a
        // held-out loss 0.6% worse on average (up to 1.558 against 1.540 with none), as each thread's copy fell behind the other's changes.
        int stride = Stride, rows = OutputRowCount, hot = Math.Min(privateRows, rows / 16);
        if (Options.OutputLoss == Word2VecLoss.HierarchicalSoftmax)
        {
            var huffman = Tree;
            // Inner nodes are numbered in the order they were merged, so the last ones, nearest the root, lie on the most paths.
            return user.Use(context, () => new HierarchicalSoftmaxOutput(new OutputRows(weights, stride, rows - hot, hot), huffman, stride));
        }
        var (table, negative) = (NoiseDistribution, Options.Negative);
        // Words are numbered most frequent first, so the first rows are drawn most often, as targets and as noise.
        return user.Use(context, () => new NegativeSamplingOutput(new OutputRows(weights, stride, 0, hot), table, negative, stride));
    }

    /// <summary>Training as a steps user.</summary>
    private sealed class TrainingRun(Word2Vec model, int[] corpus, Word2VecRun run, Action<double>? progress, string? checkpointPath, CancellationToken stop, Func<int, Action<Word2VecSnapshot>>? epochDone)
        : IStepsUser<bool>
    {
        /// <inheritdoc />
        public bool Use<TContext, TOutput>(TContext context, Func<TOutput> output) where TContext : struct, IContextStep where TOutput : struct, IOutputStep
        {
            model.Run(context, output, corpus, run, progress, checkpointPath, stop, epochDone);
            return true;
        }
    }

    /// <summary>The held-out loss as a steps user.</summary>
    private sealed class HeldOut(Word2Vec model, float[] input, int[] corpus, ulong seed, CancellationToken stop) : IStepsUser<double>
    {
        /// <inheritdoc />
        public double Use<TContext, TOutput>(TContext context, Func<TOutput> output) where TContext : struct, IContextStep where TOutput : struct, IOutputStep =>
            model.HeldOutLoss(context, output(), input, corpus, seed, stop);
    }

    /// <summary>Words of the corpus, from its start, on which the run log's loss is measured after every epoch.</summary>
    public const int LoggedLossTokens = 10_000;

    /// <summary>
    /// What the workers' meeting after epoch E (1-based) measures, the words per second during that epoch, and what is then written to
    /// <paramref name="log"/> while the workers train on: those words per second and the loss on <paramref name="sample"/> under the
    /// weights of the snapshot taken at the meeting.
    /// </summary>
    private Func<int, Action<Word2VecSnapshot>> EpochLogger(RunLog log, Word2VecRun run, IReadOnlyList<string> sample)
    {
        var clock = System.Diagnostics.Stopwatch.StartNew();
        long before = run.Processed;
        var encoded = Vocabulary.Encode(sample);
        return epoch =>
        {
            long words = run.Processed + run.Workers.Sum(w => w.SinceUpdate);
            double perSecond = (words - before) / clock.Elapsed.TotalSeconds;
            before = words;
            clock.Restart();
            return snapshot =>
            {
                log.Scalar("train/words_per_second", perSecond, epoch);
                log.Scalar("train/loss", LossUnder(snapshot.Input, snapshot.Output, encoded, RunSeed, CancellationToken.None), epoch);
            };
        };
    }

    /// <summary>
    /// Trains with one worker per thread over its own slice of the corpus, each epoch after epoch from where <paramref name="run"/>
    /// says it stands; with a checkpoint path or a stop token the workers meet at a barrier after every epoch (or when stopped),
    /// where the weights are copied and <paramref name="epochDone"/> hears of each finished epoch; the checkpoint and the work
    /// <paramref name="epochDone"/> returns are done on that copy by another thread while the workers train on.
    /// </summary>
    private void Run<TContext, TOutput>(TContext context, Func<TOutput> createOutput, int[] corpus, Word2VecRun run, Action<double>? progress, string? checkpointPath,
        CancellationToken stop, Func<int, Action<Word2VecSnapshot>>? epochDone)
        where TContext : struct, IContextStep where TOutput : struct, IOutputStep
    {
        int epochsDone = run.Workers.Min(w => w.Epoch);
        var subsampler = new FrequentWordSubsampler(Vocabulary.Counts, Options.Sample);
        long totalWork = (long)Options.Epochs * corpus.Length + 1;
        bool halted = false;
        Exception? checkpointFailure = null;
        // The threads meet only to take a copy of the weights; the checkpoint is written and the epoch's log computed from it while
        // they train on (the previous copy's work awaited first, since the next copy reuses its buffers).
        var writing = Task.CompletedTask;
        using var barrier = new Barrier(Options.Threads, _ =>
        {
            try
            {
                int finished = run.Workers.Min(w => w.Epoch);
                var afterEpoch = finished > epochsDone ? epochDone?.Invoke(epochsDone = finished) : null;
                if (checkpointPath is not null || afterEpoch is not null)
                {
                    writing.GetAwaiter().GetResult();
                    var snapshot = run.Snapshot(input, output);
                    writing = Task.Run(() =>
                    {
                        if (checkpointPath is not null) snapshot.Write(checkpointPath);
                        afterEpoch?.Invoke(snapshot);
                    });
                }
                halted = stop.IsCancellationRequested && run.Workers.Any(w => w.Epoch < Options.Epochs);
            }
            catch (Exception e)
            {
                // Thrown here it would reach the worker threads, where an exception ends the process: stop them and rethrow on the caller's thread.
                (checkpointFailure, halted) = (e, true);
            }
        });
        void Worker(int thread)
        {
            var state = run.Workers[thread];
            var (start, end) = run.Slice(thread);
            var sentence = new int[Options.MaxSentenceLength];
            var gradient = new float[Stride];
            var hidden = new float[Stride];
            var output = createOutput();
            float startingAlpha = (float)Options.Alpha;
            while (state.Epoch < Options.Epochs)
            {
                // The hot loop works on locals (the generator above all), written back before the threads meet.
                var (position, random, alpha, sinceUpdate) = (state.Position, state.Random, state.Alpha, state.SinceUpdate);
                while (position < end && !stop.IsCancellationRequested)
                {
                    if (sinceUpdate >= AlphaUpdateInterval)
                    {
                        long done = Interlocked.Add(ref run.Processed, sinceUpdate);
                        sinceUpdate = 0;
                        alpha = Math.Max(startingAlpha * (1 - done / (float)totalWork), startingAlpha * 1e-4f);
                        if (thread == 0) progress?.Invoke((double)done / totalWork);
                    }
                    int length = 0;
                    while (position < end && length < sentence.Length)
                    {
                        int word = corpus[position++];
                        sinceUpdate++;
                        if (subsampler.Keep(word, ref random)) sentence[length++] = word;
                    }
                    TrainSentence(context, ref output, sentence.AsSpan(0, length), alpha, ref random, hidden, gradient);
                    output.Publish();
                }
                (state.Position, state.Random, state.Alpha, state.SinceUpdate) = (position, random, alpha, sinceUpdate);
                if (position >= end) (state.Epoch, state.Position) = (state.Epoch + 1, start);
                if (checkpointPath is null && !stop.CanBeCanceled && epochDone is null) continue;
                barrier.SignalAndWait();
                if (halted) return;
            }
            Interlocked.Add(ref run.Processed, state.SinceUpdate);
            state.SinceUpdate = 0;
            barrier.RemoveParticipant();
        }
        var workers = Enumerable.Range(1, Options.Threads - 1).Select(t => new Thread(() => Worker(t), 1 << 20)).ToList();
        foreach (var w in workers) w.Start();
        Worker(0);
        foreach (var w in workers) w.Join();
        try
        {
            writing.GetAwaiter().GetResult();
        }
        catch (Exception e)
        {
            checkpointFailure ??= e;
        }
        if (checkpointFailure is not null) System.Runtime.ExceptionServices.ExceptionDispatchInfo.Throw(checkpointFailure);
        if (halted)
        {
            long words = run.Processed + run.Workers.Sum(w => w.SinceUpdate);
            throw new TrainingInterruptedException(words, checkpointPath, $"{words} words");
        }
        progress?.Invoke(1.0);
    }

    /// <summary>Trains every position of <paramref name="sentence"/> with word2vec.c's randomly reduced window.</summary>
    private void TrainSentence<TContext, TOutput>(TContext context, ref TOutput output, ReadOnlySpan<int> sentence, float alpha, ref LinearCongruentialRandom random, float[] hidden, float[] gradient)
        where TContext : struct, IContextStep where TOutput : struct, IOutputStep
    {
        int window = Options.Window;
        for (int p = 0; p < sentence.Length; p++)
        {
            int reduced = random.NextInt(window);
            context.Train(ref output, input, Stride, sentence, p, Math.Max(0, p - window + reduced), Math.Min(sentence.Length - 1, p + window - reduced), alpha, ref random, hidden, gradient);
        }
    }

    /// <summary>The first generator seed, Seed + 1 (word2vec.c starts at 1).</summary>
    private ulong RunSeed => unchecked((ulong)Options.Seed) + 1;

    private string Normalise(string word) => Options.Lowercase ? word.ToLowerInvariant() : word;

    private float[] Unpad(float[] padded)
    {
        int d = Options.Dimensions, v = padded.Length / Stride;
        var data = new float[v * d];
        for (int w = 0; w < v; w++) Array.Copy(padded, w * Stride, data, w * d, d);
        return data;
    }

    private float[] Pad(float[] data)
    {
        int d = Options.Dimensions, v = data.Length / d;
        var padded = new float[v * Stride];
        for (int w = 0; w < v; w++) Array.Copy(data, w * d, padded, w * Stride, d);
        return padded;
    }

    /// <summary>The saved float32 [<paramref name="rows"/>, <paramref name="columns"/>] matrix <paramref name="key"/>, or a one-line error.</summary>
    private static float[] Matrix(IReadOnlyDictionary<string, Tensor> weights, string key, int rows, int columns, string directory)
    {
        if (!weights.TryGetValue(key, out var value)) throw new LatentException($"{directory}: the saved weights lack {key}");
        if (value.dtype != ScalarType.Float32 || !value.shape.SequenceEqual(new long[] { rows, columns }))
            throw new LatentException($"{directory}: weight '{key}' is {value.dtype} [{string.Join(", ", value.shape)}], expected Float32 [{rows}, {columns}]");
        return value.contiguous().data<float>().ToArray();
    }
}
