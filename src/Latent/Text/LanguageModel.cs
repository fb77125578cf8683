namespace Latent.Text;

/// <summary>
/// A word-level recurrent (LSTM or GRU) language model as one object: create it from <see cref="LanguageModelOptions"/>, <see cref="Fit"/> it on
/// training tokens (it builds the vocabulary, rarer words → &lt;unk&gt;), <see cref="Evaluate"/> perplexity, ask for the
/// next-word distribution or <see cref="Generate"/> text (output projection → softmax → sampling), <see cref="Save"/> and
/// <see cref="Load"/> it. The network and its token batches live on <see cref="LanguageModelOptions.Device"/>; answers come back as .NET values.
/// </summary>
public sealed class LanguageModel : LatentModel, ILatentModel<IReadOnlyList<string>>
{
    /// <summary>The model kind written into config.json, for either cell (the name folders have carried since the LSTM was the only one).</summary>
    public const string Kind = "lstm-lm";

    /// <summary>The model folder's format version.</summary>
    public const int FormatVersion = 2;

    /// <summary>The vocabulary file inside a model folder ("word count" lines, &lt;unk&gt; first).</summary>
    public const string VocabularyFile = "vocabulary.txt";

    /// <summary>Rows read in parallel when evaluating (the BPTT length is the options').</summary>
    public const int EvaluationBatchSize = 10;

    private static readonly JsonSerializerOptions Json = new() { PropertyNamingPolicy = JsonNamingPolicy.SnakeCaseLower };

    private Vocabulary? vocabulary;
    private LstmLanguageModel? network;

    /// <summary>An unfitted model with <paramref name="options"/> (validated here) on the options' device; loads libtorch if needed.</summary>
    public LanguageModel(LanguageModelOptions options)
        : base(Kind, new DataDescription(), TrainingRecord.Untrained(JsonSerializer.SerializeToNode(options, Json)!, options.Seed))
    {
        LatentRuntime.Initialize();
        options.Validate();
        Options = options;
        Device = ComputeDevice.Resolve(options.Device);
    }

    /// <inheritdoc />
    public override string Describe() =>
        $"{Options.Cell.ToUpperInvariant()} language model, {(vocabulary is null ? "vocabulary not built" : $"{vocabulary.Count} words")}, embedding {Options.EmbeddingSize}, hidden {Options.HiddenSize} × {Options.Layers} layers{(Options.TieWeights ? ", tied weights" : "")}{(Options.IsAdaptive ? ", adaptive softmax" : "")}";

    /// <summary>The model's options.</summary>
    public LanguageModelOptions Options { get; }

    /// <summary>The device the network and its token batches live on.</summary>
    public override Device Device { get; }

    /// <summary>The words the model reads and predicts, &lt;unk&gt; at index 0.</summary>
    public Vocabulary Vocabulary => vocabulary ?? throw new LatentException("the language model is not fitted yet");

    /// <summary>The network: embedding → LSTM → output projection.</summary>
    public LstmLanguageModel Network => network ?? throw new LatentException("the language model is not fitted yet");

    /// <summary>
    /// Builds the vocabulary from <paramref name="train"/> (its first <see cref="LanguageModelOptions.TrainTokens"/> tokens) and
    /// trains a freshly seeded network on it with truncated BPTT and Adam, measuring perplexity on <paramref name="validation"/>
    /// after each epoch. <paramref name="initialEmbedding"/> copies word2vec vectors into the embedding rows of the words they
    /// know; <paramref name="checkpointPath"/> saves a checkpoint after each epoch, from which <paramref name="resume"/> continues.
    /// With <see cref="LanguageModelOptions.Patience"/> training stops once the validation perplexity has not improved for that many
    /// epochs, keeping the best epoch's weights; <paramref name="log"/> receives TensorBoard scalars.
    /// </summary>
    public LearningCurve Fit(IReadOnlyList<string> train, IReadOnlyList<string> validation, Action<TrainingProgress>? progress = null,
        WordVectors? initialEmbedding = null, string? checkpointPath = null, bool resume = false, CancellationToken stop = default, RunLog? log = null)
    {
        var words = Normalise(train).Take(Options.TrainTokens ?? int.MaxValue).ToList();
        vocabulary = Vocabulary.Build(words, Options.MinCount, withUnknown: true, stop: stop);
        RunSeed.Apply(Options.Seed);
        var model = network = new LstmLanguageModel(vocabulary.Count, Options, Device);
        if (initialEmbedding is not null) model.InitialiseEmbedding(vocabulary, initialEmbedding);
        using var batches = new TokenBatches(vocabulary.Encode(words), Options.BatchSize, Options.Bptt, Device);
        using var validationBatches = Batches(validation);
        using var truncated = new TruncatedBptt(model, batches);
        var trainerOptions = TruncatedBptt.TrainerOptions(Options.Epochs, Options.ClipNorm, Options.Seed) with { CheckpointPath = checkpointPath, Resume = resume, Stop = stop, Patience = Options.Patience };
        var trainer = new Trainer(model, OptimizerSettings.Adam(Options.LearningRate), trainerOptions)
        {
            Evaluate = () => LanguageModelEvaluation.Perplexity(model, validationBatches),
            EvaluationName = "validation perplexity",
            ValidationName = "perplexity",
            Log = log,
            Progress = progress,
            SaveState = truncated.Save,
            LoadState = truncated.Load,
        };
        var curve = trainer.Fit(batches.ChunkCount, truncated.Loss);
        Training = Training.Finished(Corpus.ProvenanceOf(train, words.Count));
        return curve;
    }

    /// <summary>Releases the network's tensors.</summary>
    public override void Dispose() => network?.Dispose();

    /// <inheritdoc />
    IModelMetrics ILatentModel<IReadOnlyList<string>>.Evaluate(IReadOnlyList<string> data, CancellationToken stop) => Evaluate(data, stop);

    /// <summary>
    /// Perplexity and greedy next-word accuracy on <paramref name="tokens"/> (words outside the vocabulary count as &lt;unk&gt;);
    /// <paramref name="stop"/> is checked before each chunk of tokens (<see cref="PhaseInterruptedException"/>).
    /// </summary>
    public LanguageModelMetrics Evaluate(IReadOnlyList<string> tokens, CancellationToken stop = default)
    {
        using var batches = Batches(tokens);
        return new LanguageModelMetrics(LanguageModelEvaluation.Perplexity(Network, batches, stop: stop),
            LanguageModelEvaluation.Accuracy(Network, batches, h => Network.Project(h).argmax(-1), stop), batches.Tokens);
    }

    /// <summary>
    /// Scores nearest-embedding decoding of the LSTM's outputs on <paramref name="tokens"/>: against the model's own embedding
    /// rows, or, when given, against <paramref name="vectors"/> (words without a vector get a zero row); <paramref name="stop"/>
    /// is checked before each chunk of tokens.
    /// </summary>
    public NearestEmbeddingMetrics EvaluateNearestEmbedding(IReadOnlyList<string> tokens, WordVectors? vectors = null, CancellationToken stop = default)
    {
        using var batches = Batches(tokens);
        using var rows = vectors is null ? Network.EmbeddingWeight.detach().clone() : tensor(vectors.RowsFor(Vocabulary.Words), [Vocabulary.Count, vectors.Dimensions], device: Device);
        using var decoder = new NearestEmbeddingDecoder(rows);
        var best = NearestEmbeddingDecoder.TemperatureGrid
            .Select(t => (Temperature: t, Perplexity: LanguageModelEvaluation.Perplexity(Network, batches, h => decoder.LogProbabilities(h, t), stop)))
            .MinBy(r => r.Perplexity);
        return new NearestEmbeddingMetrics(best.Temperature, best.Perplexity, LanguageModelEvaluation.Accuracy(Network, batches, decoder.Decode, stop));
    }

    /// <summary>The logits [V] of the word after <paramref name="prompt"/> (indexed like <see cref="Vocabulary"/>): the output projection of the LSTM's last output.</summary>
    public float[] NextWordLogits(string prompt)
    {
        Network.eval();
        using var noGrad = no_grad();
        using var scope = NewDisposeScope();
        var ids = PromptIds(prompt);
        var (logits, _) = Network.forward(tensor(ids.Select(i => (long)i).ToArray(), [1, ids.Length], device: Device), null);
        return logits[0, -1].cpu().data<float>().ToArray();
    }

    /// <summary>The next-word distribution softmax(logits / <paramref name="temperature"/>) after <paramref name="prompt"/>, indexed like <see cref="Vocabulary"/>.</summary>
    public double[] NextWordDistribution(string prompt, double temperature = 1.0)
    {
        using var logits = tensor(NextWordLogits(prompt));
        using var probabilities = TokenSampler.Probabilities(logits, temperature);
        return probabilities.data<double>().ToArray();
    }

    /// <summary>
    /// Continues <paramref name="prompt"/> by <paramref name="count"/> words, each drawn from softmax(logits / T) over the
    /// <paramref name="topK"/> most likely words (0: all) and fed back in; T = 0 takes the most likely word. &lt;unk&gt; is
    /// never drawn. The same <paramref name="seed"/> gives the same words on every device (the draw is made on the CPU).
    /// </summary>
    public IReadOnlyList<string> Generate(string prompt, int count, double temperature = 1.0, int topK = 0, long seed = 0)
    {
        if (temperature < 0 || !double.IsFinite(temperature)) throw new LatentException($"temperature must be ≥ 0, got {temperature}");
        using var unknown = tensor(new long[] { Vocabulary.IndexOf(Vocabulary.UnknownToken) });
        using var generator = new Generator(unchecked((ulong)seed));
        var ids = TextGenerator.Generate(Network, PromptIds(prompt), count, logits =>
        {
            var known = logits.cpu().index_fill(0, unknown, float.NegativeInfinity);
            return temperature == 0 ? TokenSampler.Greedy(known) : TokenSampler.Sample(known, temperature, topK, generator);
        });
        return ids.Select(i => Vocabulary.Words[i]).ToList();
    }

    /// <summary>
    /// Writes the model folder: config.json (kind "lstm-lm" for either cell, architecture with the cell, options), model.safetensors (PyTorch state-dict keys:
    /// embedding.weight, lstm.weight_ih_l0 … or gru.weight_ih_l0 …, projection.bias, and projection.weight when untied) and vocabulary.txt. Returns the paths written.
    /// </summary>
    public override IReadOnlyList<string> Save(string directory)
    {
        var architecture = new JsonObject
        {
            ["vocabulary_size"] = Vocabulary.Count, ["embedding_size"] = Options.EmbeddingSize, ["hidden_size"] = Options.HiddenSize,
            ["cell"] = Options.Cell, ["layers"] = Options.Layers, ["tie_weights"] = Options.TieWeights, ["softmax"] = Options.Softmax,
        };
        if (Network.AdaptiveCutoffs is { } cutoffs) architecture["cutoffs"] = new JsonArray([.. cutoffs.Select(cutoff => (JsonNode)cutoff)]);
        var paths = ModelFolder.Save(directory, new ModelConfig(Kind, FormatVersion, architecture, Data, Training), Network.state_dict());
        var vocabularyPath = Path.Combine(directory, VocabularyFile);
        Vocabulary.Save(vocabularyPath);
        return [.. paths, vocabularyPath];
    }

    /// <summary>Reads a folder written by <see cref="Save"/> onto <paramref name="device"/>, in evaluation mode; a folder of another kind or version is refused in one line.</summary>
    public static LanguageModel Load(string directory, string device = ComputeDevice.Default) => ModelFolder.Load(directory, device, Read);

    /// <summary>Reads and checks the folder; <see cref="Load"/> puts the folder in front of any error that does not name it.</summary>
    private static LanguageModel Read(string directory, string device)
    {
        var config = ModelFolder.ReadConfig(directory, Kind, FormatVersion);
        var options = config.ReadOptions<LanguageModelOptions>(Json);
        var model = new LanguageModel(options with { Device = device }) { vocabulary = Vocabulary.Load(Path.Combine(directory, VocabularyFile)), Training = config.Training };
        int size = config.Architectural<int>("vocabulary_size");
        if (size != model.Vocabulary.Count) throw new LatentException($"{directory}: {VocabularyFile} has {model.Vocabulary.Count} words, config.json {size}");
        double embedding = options.EmbeddingSize, hidden = options.HiddenSize, gates = LanguageModelOptions.Cells[options.Cell] == RecurrentCell.Gru ? 3 : 4;
        ModelFolder.RequireWeightCount(directory, size * embedding + gates * hidden * (embedding + hidden) + 2 * gates * hidden * hidden * (options.Layers - 1.0));
        model.network = new LstmLanguageModel(size, options, model.Device);
        ModelFolder.LoadInto(directory, model.network);
        model.network.eval();
        return model;
    }

    /// <summary>
    /// Replaces the weights of the fitted or loaded model by those in <paramref name="path"/>, exported from PyTorch: a safetensors file
    /// or a torch.save'd state_dict with the keys of model.safetensors (embedding.weight, lstm.weight_ih_l0 …, projection.bias; see
    /// python/latent_torch.py). With tied weights a projection.weight equal to embedding.weight (PyTorch's state_dict lists a tied
    /// matrix twice) is accepted and a different one refused. Names, shapes and dtypes must match exactly; a mismatch is a one-line
    /// error and leaves the weights as they were.
    /// </summary>
    public void ImportWeights(string path)
    {
        var target = Network.state_dict();
        var weights = ModelFolder.ReadExportedWeights(path);
        try
        {
            if (Options.TieWeights && weights.Remove("projection.weight", out var projection))
            {
                using (projection)
                {
                    bool same = weights.TryGetValue("embedding.weight", out var embedding) && projection.shape.SequenceEqual(embedding.shape)
                        && projection.dtype == embedding.dtype && projection.allclose(embedding, rtol: 0, atol: 0);
                    if (!same) throw new LatentException($"{path}: projection.weight differs from embedding.weight, but the model ties them");
                }
            }
            ModelFolder.CopyInto(weights, target, path);
        }
        finally
        {
            foreach (var value in weights.Values) value.Dispose();
        }
        Network.eval();
    }

    private IReadOnlyList<string> Normalise(IReadOnlyList<string> tokens) => Options.Lowercase ? tokens.Select(t => t.ToLowerInvariant()).ToList() : tokens;

    private TokenBatches Batches(IReadOnlyList<string> tokens) => new(Vocabulary.Encode(Normalise(tokens)), EvaluationBatchSize, Options.Bptt, Device);

    /// <summary>The prompt's word indices: each word as written, else lowercased if only that is known, else &lt;unk&gt;.</summary>
    private int[] PromptIds(string prompt)
    {
        var words = Normalise(Tokenizer.Tokenize(prompt, lowercase: false))
            .Select(w => Vocabulary.Contains(w) || !Vocabulary.Contains(w.ToLowerInvariant()) ? w : w.ToLowerInvariant()).ToList();
        if (words.Count == 0) throw new LatentException("the prompt has no words");
        return Vocabulary.Encode(words);
    }
}
