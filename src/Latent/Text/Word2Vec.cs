using System.Text.Json;
using System.Text.Json.Nodes;
using Latent.IO;
using Latent.Models;
using Latent.Training;
using static TorchSharp.torch;

namespace Latent.Text;

/// <summary>
/// Skip-gram word2vec with negative sampling (Mikolov et al. 2013), following word2vec.c: frequent-word subsampling,
/// a unigram^0.75 noise distribution, a randomly reduced window, a learning rate decaying linearly over all epochs, and
/// worker threads that update the shared vectors without locks (Hogwild). Rows are padded to whole SIMD vectors.
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
    private const string InputKey = "input_embedding.weight", OutputKey = "output_embedding.weight";
    private static readonly JsonSerializerOptions Json = new() { PropertyNamingPolicy = JsonNamingPolicy.SnakeCaseLower };

    private Vocabulary? vocabulary;
    private float[] input = [];
    private float[] output = [];
    private UnigramTable? noise;
    private WordVectors? vectors;

    /// <summary>An unfitted model with <paramref name="options"/> (validated here).</summary>
    public Word2Vec(Word2VecOptions options)
        : base(Kind, new DataDescription(), TrainingRecord.Untrained(JsonSerializer.SerializeToNode(options, Json)!, options.Seed))
    {
        options.Validate();
        Options = options;
        Stride = VectorMath.PaddedStride(options.Dimensions);
    }

    /// <summary>Word2vec trains on the CPU's threads (Hogwild), outside libtorch.</summary>
    public override Device Device => CPU;

    /// <inheritdoc />
    public override string Describe() =>
        $"word2vec skip-gram with negative sampling, {(vocabulary is null ? "vocabulary not built" : $"{vocabulary.Count} words")}, {Options.Dimensions} dimensions, window {Options.Window}";

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

    /// <summary>The input (syn0) vectors: the word vectors word2vec.c saves.</summary>
    public WordVectors Vectors => vectors ??= new(Vocabulary.Words, Options.Dimensions, Unpad(input));

    /// <summary>The output (syn1neg) vectors that negative sampling scores the input vectors against.</summary>
    public WordVectors OutputVectors => new(Vocabulary.Words, Options.Dimensions, Unpad(output));

    /// <summary>
    /// Builds the vocabulary of <paramref name="tokens"/> (lowercased first when <see cref="Word2VecOptions.Lowercase"/> is set)
    /// and trains skip-gram vectors on them from a fresh seeded start; <paramref name="progress"/> receives the fraction done.
    /// With a <paramref name="checkpointPath"/> the worker threads meet after every epoch and a checkpoint is written there
    /// atomically; <paramref name="stop"/> makes each thread stop after its current sentence, writes the checkpoint and throws
    /// <see cref="TrainingInterruptedException"/>; <paramref name="resume"/> continues from the checkpoint (exactly, with one thread;
    /// with more, as nondeterministically as Hogwild training always is). <paramref name="log"/> receives, after every epoch, the words
    /// per second and the negative-sampling loss on the corpus's first <see cref="LoggedLossTokens"/> words.
    /// </summary>
    public Word2Vec Fit(IReadOnlyList<string> tokens, Action<double>? progress = null, string? checkpointPath = null, bool resume = false, CancellationToken stop = default, RunLog? log = null)
    {
        if (resume && checkpointPath is null) throw new LatentException("resume needs a checkpoint path");
        var words = Normalise(tokens);
        vectors = null;
        vocabulary = Vocabulary.Build(words, Options.MinCount, withUnknown: false);
        input = new float[vocabulary.Count * Stride];
        output = new float[vocabulary.Count * Stride];
        var random = new LinearCongruentialRandom(RunSeed);
        for (int w = 0; w < vocabulary.Count; w++)
        {
            for (int i = 0; i < Options.Dimensions; i++) input[w * Stride + i] = (random.NextUnit16() - 0.5f) / Options.Dimensions;
        }
        noise = new UnigramTable(vocabulary.Counts);
        var corpus = vocabulary.Encode(words);
        var run = new Word2VecRun(Options, corpus.Length, RunSeed);
        if (resume) run.Load(checkpointPath!, input, output);
        long before = run.Processed;
        var clock = System.Diagnostics.Stopwatch.StartNew();
        Run(corpus, run, progress, checkpointPath, stop, log is null ? null : EpochLogger(log, run, words.Take(LoggedLossTokens).ToList()));
        WordsPerSecond = (run.Processed - before) / clock.Elapsed.TotalSeconds;
        Training = Training.Finished(Corpus.ProvenanceOf(tokens, words.Count));
        return this;
    }

    /// <summary>The <paramref name="k"/> words nearest to <paramref name="word"/> by cosine.</summary>
    public IReadOnlyList<(string Word, double Similarity)> Similar(string word, int k) => Vectors.MostSimilar(Normalise(word), k);

    /// <summary>Answers a : b :: c : ? with the <paramref name="k"/> words nearest to b − a + c (3CosAdd).</summary>
    public IReadOnlyList<(string Word, double Similarity)> Analogy(string a, string b, string c, int k) =>
        Vectors.Analogy(Normalise(a), Normalise(b), Normalise(c), k);

    /// <summary>
    /// Writes the model folder: config.json (kind "word2vec", options, vocabulary size), model.safetensors (input and output
    /// embeddings [V, d]), vocabulary.txt, and the vectors in word2vec.c's binary and text formats (readable by gensim's
    /// KeyedVectors.load_word2vec_format). Returns the paths written.
    /// </summary>
    public override IReadOnlyList<string> Save(string directory)
    {
        LatentRuntime.Initialize();
        int v = Vocabulary.Count, d = Options.Dimensions;
        using var inputWeight = tensor(Unpad(input), [v, d]);
        using var outputWeight = tensor(Unpad(output), [v, d]);
        var architecture = new JsonObject { ["vocabulary_size"] = v, ["dimensions"] = d };
        var paths = new[] { ModelFolder.ConfigFile, ModelFolder.WeightsFile, VocabularyFile, BinaryVectorsFile, TextVectorsFile }.Select(f => Path.Combine(directory, f)).ToArray();
        ModelFolder.Save(directory, new ModelConfig(Kind, FormatVersion, architecture, Data, Training), new Dictionary<string, Tensor> { [InputKey] = inputWeight, [OutputKey] = outputWeight });
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
            model.output = model.Pad(Matrix(weights, OutputKey, v, d, directory));
        }
        finally
        {
            foreach (var value in weights.Values) value.Dispose();
        }
        model.noise = new UnigramTable(model.Vocabulary.Counts);
        return model;
    }

    /// <inheritdoc />
    IModelMetrics ILatentModel<IReadOnlyList<string>>.Evaluate(IReadOnlyList<string> data) => new Word2VecMetrics(HeldOutLoss(data, unchecked((ulong)Options.Seed + 1)));

    /// <summary>Holds no native memory: the vectors are managed arrays.</summary>
    public override void Dispose()
    {
    }

    /// <summary>
    /// Mean negative-sampling loss per (input, output) pair on <paramref name="tokens"/> (words outside the vocabulary
    /// dropped, no subsampling, full window), with <see cref="Word2VecOptions.Negative"/> noise words per pair drawn with
    /// a generator seeded by <paramref name="seed"/>.
    /// </summary>
    public double HeldOutLoss(IEnumerable<string> tokens, ulong seed)
    {
        var corpus = Vocabulary.Encode(tokens);
        var random = new LinearCongruentialRandom(seed);
        Span<int> targets = stackalloc int[Options.Negative + 1];
        double total = 0;
        long pairs = 0;
        for (int p = 0; p < corpus.Length; p++)
        {
            for (int c = Math.Max(0, p - Options.Window); c <= Math.Min(corpus.Length - 1, p + Options.Window); c++)
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
        for (int k = 0; k < Options.Negative; k++)
        {
            int noise = NoiseDistribution.Sample(ref random);
            if (noise != word) targets[count++] = noise;
        }
        return count;
    }

    /// <summary>Words of the corpus, from its start, on which the run log's loss is measured after every epoch.</summary>
    public const int LoggedLossTokens = 10_000;

    /// <summary>What the workers' meeting after epoch E (1-based) writes to <paramref name="log"/>: words per second during that epoch and the loss on <paramref name="sample"/>.</summary>
    private Action<int> EpochLogger(RunLog log, Word2VecRun run, IReadOnlyList<string> sample)
    {
        var clock = System.Diagnostics.Stopwatch.StartNew();
        long before = run.Processed;
        return epoch =>
        {
            long words = run.Processed + run.Workers.Sum(w => w.SinceUpdate);
            log.Scalar("train/words_per_second", (words - before) / clock.Elapsed.TotalSeconds, epoch);
            log.Scalar("train/loss", HeldOutLoss(sample, RunSeed), epoch);
            before = words;
            clock.Restart();
        };
    }

    /// <summary>
    /// Trains with one worker per thread over its own slice of the corpus, each epoch after epoch from where <paramref name="run"/>
    /// says it stands; with a checkpoint path or a stop token the workers meet at a barrier after every epoch (or when stopped),
    /// where the checkpoint is written and <paramref name="epochDone"/> hears of each finished epoch.
    /// </summary>
    private void Run(int[] corpus, Word2VecRun run, Action<double>? progress, string? checkpointPath, CancellationToken stop, Action<int>? epochDone = null)
    {
        int epochsDone = run.Workers.Min(w => w.Epoch);
        var subsampler = new FrequentWordSubsampler(Vocabulary.Counts, Options.Sample);
        long totalWork = (long)Options.Epochs * corpus.Length + 1;
        bool halted = false;
        Exception? checkpointFailure = null;
        using var barrier = new Barrier(Options.Threads, _ =>
        {
            try
            {
                if (checkpointPath is not null) run.Save(checkpointPath, input, output);
                if (run.Workers.Min(w => w.Epoch) > epochsDone) epochDone?.Invoke(epochsDone = run.Workers.Min(w => w.Epoch));
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
            Span<int> targets = stackalloc int[Options.Negative + 1];
            float startingAlpha = (float)Options.StartingAlpha;
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
                    TrainSentence(sentence.AsSpan(0, length), alpha, ref random, targets, gradient);
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
        if (checkpointFailure is not null) System.Runtime.ExceptionServices.ExceptionDispatchInfo.Throw(checkpointFailure);
        if (halted)
        {
            long words = run.Processed + run.Workers.Sum(w => w.SinceUpdate);
            throw new TrainingInterruptedException(words, checkpointPath, $"{words} words");
        }
        progress?.Invoke(1.0);
    }

    private void TrainSentence(ReadOnlySpan<int> sentence, float alpha, ref LinearCongruentialRandom random, Span<int> targets, float[] gradient)
    {
        int window = Options.Window;
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

    /// <summary>The first generator seed, Seed + 1 (word2vec.c starts at 1).</summary>
    private ulong RunSeed => unchecked((ulong)Options.Seed) + 1;

    private IReadOnlyList<string> Normalise(IReadOnlyList<string> tokens) => Options.Lowercase ? tokens.Select(t => t.ToLowerInvariant()).ToList() : tokens;

    private string Normalise(string word) => Options.Lowercase ? word.ToLowerInvariant() : word;

    private float[] Unpad(float[] padded)
    {
        int d = Options.Dimensions, v = Vocabulary.Count;
        var data = new float[v * d];
        for (int w = 0; w < v; w++) Array.Copy(padded, w * Stride, data, w * d, d);
        return data;
    }

    private float[] Pad(float[] data)
    {
        int d = Options.Dimensions, v = Vocabulary.Count;
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
