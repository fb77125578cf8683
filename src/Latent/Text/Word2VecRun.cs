using System.Globalization;
using System.Runtime.InteropServices;
using System.Text;

namespace Latent.Text;

/// <summary>
/// Where a word2vec training run stands: each worker thread's epoch, position, generator and learning rate, and the words
/// processed; saved with the vectors as a checkpoint (atomically) and read back, checked against the run, to resume it.
/// </summary>
internal sealed class Word2VecRun
{
    private const string Magic = "LATENT-WORD2VEC-CHECKPOINT-1";
    private readonly Word2VecOptions options;
    private readonly int corpusLength;

    /// <summary>One worker thread's place in the run.</summary>
    internal sealed class WorkerState
    {
        /// <summary>Epochs this thread has finished.</summary>
        public int Epoch;

        /// <summary>The next corpus position the thread reads.</summary>
        public int Position;

        /// <summary>The thread's generator.</summary>
        public LinearCongruentialRandom Random;

        /// <summary>The learning rate the thread trains with now.</summary>
        public float Alpha;

        /// <summary>Words read since the thread last added to <see cref="Processed"/>.</summary>
        public long SinceUpdate;
    }

    /// <summary>A fresh run: every thread at the start of its slice with word2vec.c's per-thread seed and the starting learning rate.</summary>
    public Word2VecRun(Word2VecOptions options, int corpusLength, ulong runSeed)
    {
        this.options = options;
        this.corpusLength = corpusLength;
        Workers = Enumerable.Range(0, options.Threads).Select(thread => new WorkerState
        {
            Position = Slice(thread).Start,
            Random = new LinearCongruentialRandom(runSeed * 1_000_003UL + (ulong)thread + 1),
            Alpha = (float)options.Alpha,
        }).ToArray();
    }

    /// <summary>Words processed by all threads together (updated with <see cref="Interlocked"/>; it sets the learning rate's decay).</summary>
    public long Processed;

    /// <summary>One state per worker thread.</summary>
    public WorkerState[] Workers { get; }

    /// <summary>The corpus positions [Start, End) that <paramref name="thread"/> trains on in every epoch.</summary>
    public (int Start, int End) Slice(int thread) =>
        ((int)((long)corpusLength * thread / options.Threads), (int)((long)corpusLength * (thread + 1) / options.Threads));

    /// <summary>Writes the run's state and the padded <paramref name="input"/> vectors and <paramref name="output"/> weights to <paramref name="path"/> atomically.</summary>
    public void Save(string path, float[] input, float[] output) => Snapshot(input, output).Write(path);

    /// <summary>
    /// The checkpoint of the run as it stands now: the workers' state and copies of <paramref name="input"/> and <paramref name="output"/>,
    /// taken into buffers that this run keeps for its next snapshot (so that no memory is freshly faulted in after the first). Training
    /// may go on while another thread writes it or reads its weights, until the next snapshot is taken.
    /// </summary>
    public Word2VecSnapshot Snapshot(float[] input, float[] output)
    {
        if (snapshot is null || snapshot.Input.Length != input.Length || snapshot.Output.Length != output.Length)
            snapshot = new Word2VecSnapshot(new float[input.Length], new float[output.Length]);
        var header = new MemoryStream();
        using (var writer = new BinaryWriter(header, Encoding.UTF8, leaveOpen: true))
        {
            writer.Write(Magic);
            writer.Write(Signature(input.Length, output.Length));
            writer.Write(Processed);
            foreach (var worker in Workers)
            {
                writer.Write(worker.Epoch);
                writer.Write(worker.Position);
                writer.Write(worker.Random.State);
                writer.Write(worker.Alpha);
                writer.Write(worker.SinceUpdate);
            }
        }
        snapshot.Header = header.ToArray();
        input.CopyTo(snapshot.Input, 0);
        output.CopyTo(snapshot.Output, 0);
        return snapshot;
    }

    private Word2VecSnapshot? snapshot;

    /// <summary>Restores the run's state and the vectors from a checkpoint written by <see cref="Save"/> for this run; anything else is a one-line error naming the file.</summary>
    public void Load(string path, float[] input, float[] output)
    {
        if (!File.Exists(path)) throw new LatentException($"{path}: no checkpoint to resume from");
        using var stream = File.OpenRead(path);
        using var reader = new BinaryReader(stream, Encoding.UTF8);
        try
        {
            if (reader.ReadString() != Magic) throw new LatentException($"{path}: not a Latent word2vec checkpoint");
            var saved = reader.ReadString();
            if (saved != Signature(input.Length, output.Length)) throw new LatentException($"{path}: checkpoint is of another run ({saved}) than this one ({Signature(input.Length, output.Length)})");
            long processed = reader.ReadInt64();
            if (processed < 0 || processed > (long)options.Epochs * corpusLength) throw new LatentException($"{path}: checkpoint is corrupt ({processed} words processed)");
            for (int thread = 0; thread < Workers.Length; thread++)
            {
                var (start, end) = Slice(thread);
                var worker = new WorkerState
                {
                    Epoch = reader.ReadInt32(), Position = reader.ReadInt32(), Random = new LinearCongruentialRandom(reader.ReadUInt64()),
                    Alpha = reader.ReadSingle(), SinceUpdate = reader.ReadInt64(),
                };
                if (worker.Epoch < 0 || worker.Epoch > options.Epochs || worker.Position < start || worker.Position > end || !(worker.Alpha > 0 && worker.Alpha <= (float)options.Alpha)
                    || worker.SinceUpdate < 0 || worker.SinceUpdate > corpusLength)
                    throw new LatentException($"{path}: checkpoint is corrupt (thread {thread} at epoch {worker.Epoch}, position {worker.Position}, learning rate {worker.Alpha})");
                Workers[thread] = worker;
            }
            reader.BaseStream.ReadExactly(MemoryMarshal.AsBytes(input.AsSpan()));
            reader.BaseStream.ReadExactly(MemoryMarshal.AsBytes(output.AsSpan()));
            if (stream.Position != stream.Length) throw new LatentException($"{path}: checkpoint is corrupt ({stream.Length - stream.Position} unexpected bytes at the end)");
            Processed = processed;
        }
        catch (EndOfStreamException e)
        {
            throw new LatentException($"{path}: checkpoint is truncated", e);
        }
        catch (Exception e) when (e is IOException or FormatException)
        {
            throw new LatentException($"{path}: checkpoint is unreadable ({e.Message.ReplaceLineEndings(" ")})", e);
        }
    }

    /// <summary>What a checkpoint must match to resume this run: the corpus, vocabulary and settings that decide the vectors.</summary>
    private string Signature(int inputLength, int outputLength) => string.Create(CultureInfo.InvariantCulture,
        $"{options.Model} with {options.Loss}{(options.Architecture == Word2VecArchitecture.Cbow ? options.CbowMean ? " (mean)" : " (sum)" : "")}, corpus {corpusLength} words, vectors {inputLength}+{outputLength} floats, {options.Dimensions} dimensions, {options.Threads} threads, {options.Epochs} epochs, window {options.Window}, negative {options.Negative}, sample {options.Sample}, alpha {options.Alpha}, seed {options.Seed}");
}

/// <summary>A word2vec checkpoint taken between epochs (see <see cref="Word2VecRun.Snapshot"/>): the run's state and copies of the weights.</summary>
internal sealed class Word2VecSnapshot(float[] input, float[] output)
{
    /// <summary>The padded input vectors as they stood.</summary>
    public float[] Input { get; } = input;

    /// <summary>The padded output weights as they stood.</summary>
    public float[] Output { get; } = output;

    /// <summary>The checkpoint's header: magic, run signature, words processed and every worker's state.</summary>
    public byte[] Header { get; set; } = [];

    /// <summary>Writes the checkpoint to <paramref name="path"/> atomically.</summary>
    public void Write(string path) => AtomicFile.WriteStream(path, stream =>
    {
        stream.Write(Header);
        stream.Write(MemoryMarshal.AsBytes(Input.AsSpan()));
        stream.Write(MemoryMarshal.AsBytes(Output.AsSpan()));
    });
}
