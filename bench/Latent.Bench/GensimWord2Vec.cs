using System.Diagnostics;
using System.Globalization;
using System.Text.Json.Nodes;
using Latent.Text;

namespace Latent.Bench;

/// <summary>
/// Runs gensim's word2vec (Debian's python3-gensim) in any of its four modes on the same tokens and settings in a child process, timed
/// as a whole process, and reads back its input (wv) vectors and, for negative sampling, its output (syn1neg) vectors;
/// <see cref="Find"/> says when no Python with gensim is installed.
/// </summary>
internal sealed class GensimWord2Vec
{
    private const string Script = """
        import sys, time
        from gensim.models import Word2Vec
        from gensim.models.keyedvectors import KeyedVectors
        corpus, out, d, window, min_count, negative, sample, alpha, epochs, workers, seed, sentence, sg, hs, cbow_mean = sys.argv[1:16]
        with open(corpus, encoding="utf-8") as f:
            sentences = [line.split() for line in f]
        start = time.perf_counter()
        model = Word2Vec(sentences, sg=int(sg), hs=int(hs), vector_size=int(d), window=int(window), min_count=int(min_count),
                         negative=0 if int(hs) else int(negative), cbow_mean=int(cbow_mean), sample=float(sample), alpha=float(alpha),
                         min_alpha=float(alpha) * 1e-4, epochs=int(epochs), workers=int(workers), seed=int(seed))
        seconds = time.perf_counter() - start
        model.wv.save_word2vec_format(out + ".input.txt")
        if not int(hs):
            output = KeyedVectors(int(d))
            output.add_vectors(model.wv.index_to_key, model.syn1neg)
            output.save_word2vec_format(out + ".output.txt")
        print(f"{seconds:.6f}")
        """;

    /// <summary>gensim as a user runs it on a text file: read the sentences, train, save the resumable model and both vector files.</summary>
    private const string FileScript = """
        import sys
        from gensim.models import Word2Vec
        corpus, out, d, window, min_count, negative, sample, alpha, epochs, workers, seed, sg, hs, cbow_mean = sys.argv[1:15]
        with open(corpus, encoding="utf-8") as f:
            sentences = [line.split() for line in f]
        model = Word2Vec(sentences, sg=int(sg), hs=int(hs), vector_size=int(d), window=int(window), min_count=int(min_count),
                         negative=0 if int(hs) else int(negative), cbow_mean=int(cbow_mean), sample=float(sample), alpha=float(alpha),
                         min_alpha=float(alpha) * 1e-4, epochs=int(epochs), workers=int(workers), seed=int(seed))
        model.save(out + ".model")
        model.wv.save_word2vec_format(out + ".bin", binary=True)
        model.wv.save_word2vec_format(out + ".txt")
        """;

    private readonly string python;

    private GensimWord2Vec(string python, string version)
    {
        this.python = python;
        Version = version;
    }

    /// <summary>gensim's version string.</summary>
    public string Version { get; }

    /// <summary>The first of python3 on PATH and /usr/bin/python3 that imports gensim, or null (with the reason in <paramref name="why"/>).</summary>
    public static GensimWord2Vec? Find(out string why)
    {
        why = "neither python3 on PATH nor /usr/bin/python3 imports gensim (install Debian's python3-gensim to compare)";
        foreach (var candidate in new[] { "python3", "/usr/bin/python3" })
        {
            try
            {
                var (code, text) = RunProcess(candidate, ["-c", "import gensim; print(gensim.__version__)"]);
                if (code == 0) return new GensimWord2Vec(candidate, text.Trim());
            }
            catch (System.ComponentModel.Win32Exception)
            {
            }
        }
        return null;
    }

    /// <summary>
    /// Trains on <paramref name="tokens"/> cut into sentences of <see cref="Word2VecOptions.MaxSentenceLength"/> tokens (as Latent cuts them)
    /// in the mode <paramref name="settings"/> names and returns the whole process's seconds, gensim's own training seconds (vocabulary
    /// build included, file reading excluded), its input vectors and, for negative sampling, its output vectors.
    /// </summary>
    public (double ProcessSeconds, double Seconds, WordVectors Input, WordVectors? Output) Train(IReadOnlyList<string> tokens, Word2VecOptions settings)
    {
        var directory = Directory.CreateTempSubdirectory("latent-gensim-");
        try
        {
            var corpus = Path.Combine(directory.FullName, "corpus.txt");
            using (var writer = new StreamWriter(corpus))
            {
                for (int start = 0; start < tokens.Count; start += settings.MaxSentenceLength)
                    writer.WriteLine(string.Join(' ', Enumerable.Range(start, Math.Min(settings.MaxSentenceLength, tokens.Count - start)).Select(i => tokens[i])));
            }
            var script = Path.Combine(directory.FullName, "train.py");
            File.WriteAllText(script, Script);
            var output = Path.Combine(directory.FullName, "vectors");
            string[] arguments = [script, corpus, output, .. new object[] { settings.Dimensions, settings.Window, settings.MinCount, settings.Negative, settings.Sample,
                settings.Alpha, settings.Epochs, settings.Threads, settings.Seed + 1, settings.MaxSentenceLength,
                settings.Architecture == Word2VecArchitecture.SkipGram ? 1 : 0, settings.OutputLoss == Word2VecLoss.HierarchicalSoftmax ? 1 : 0,
                settings.CbowMean ? 1 : 0 }.Select(v => Convert.ToString(v, CultureInfo.InvariantCulture)!)];
            var clock = Stopwatch.StartNew();
            var (code, text) = RunProcess(python, arguments);
            double processSeconds = clock.Elapsed.TotalSeconds;
            if (code != 0) throw new LatentException($"gensim failed (exit {code}): {text.Trim().Split('\n')[^1]}");
            double seconds = double.Parse(text.Trim().Split('\n')[^1], CultureInfo.InvariantCulture);
            var outputVectors = File.Exists(output + ".output.txt") ? WordVectors.Load(output + ".output.txt", WordVectorFormat.Text) : null;
            return (processSeconds, seconds, WordVectors.Load(output + ".input.txt", WordVectorFormat.Text), outputVectors);
        }
        finally
        {
            directory.Delete(recursive: true);
        }
    }

    /// <summary>
    /// The wall seconds of one whole gensim process on the space-separated sentences of <paramref name="corpus"/> in the mode and
    /// settings of <paramref name="settings"/>, writing what `latent word2vec train` writes: a model it can resume (model.save) and
    /// the vectors in word2vec's binary and text formats, under <paramref name="outPrefix"/>.
    /// </summary>
    public double TrainFile(string corpus, Word2VecOptions settings, string outPrefix)
    {
        var script = outPrefix + ".train.py";
        File.WriteAllText(script, FileScript);
        string[] arguments = [script, corpus, outPrefix, .. new object[] { settings.Dimensions, settings.Window, settings.MinCount, settings.Negative, settings.Sample,
            settings.Alpha, settings.Epochs, settings.Threads, settings.Seed + 1, settings.Architecture == Word2VecArchitecture.SkipGram ? 1 : 0,
            settings.OutputLoss == Word2VecLoss.HierarchicalSoftmax ? 1 : 0, settings.CbowMean ? 1 : 0 }.Select(v => Convert.ToString(v, CultureInfo.InvariantCulture)!)];
        var clock = Stopwatch.StartNew();
        var (code, text) = RunProcess(python, arguments);
        double seconds = clock.Elapsed.TotalSeconds;
        if (code != 0) throw new LatentException($"gensim failed (exit {code}): {text.Trim().Split('\n')[^1]}");
        return seconds;
    }

    /// <summary>The path of a file in gensim's own test data (wordsim353.tsv, questions-words.txt), or null when it is not installed with gensim.</summary>
    public string? TestData(string name)
    {
        var (code, text) = RunProcess(python, ["-c", $"from gensim.test.utils import datapath; print(datapath('{name}'))"]);
        var path = text.Trim().Split('\n')[^1];
        return code == 0 && File.Exists(path) ? path : null;
    }

    /// <summary>
    /// gensim's own KeyedVectors.evaluate_word_pairs and evaluate_word_analogies on <paramref name="vectorFile"/> (word2vec format, binary
    /// when it ends in .bin), run by the repository's python/gensim_evaluate.py: the JSON object it prints, keyed by "pairs" and
    /// "analogies", then by file.
    /// </summary>
    public JsonNode Evaluate(string vectorFile, string? pairs, string? analogies)
    {
        string[] arguments = [ScriptPath("gensim_evaluate.py"), vectorFile, .. pairs is null ? Array.Empty<string>() : ["--pairs", pairs],
            .. analogies is null ? Array.Empty<string>() : ["--analogies", analogies]];
        var (code, text) = RunProcess(python, arguments);
        if (code != 0) throw new LatentException($"gensim_evaluate.py failed (exit {code}): {text.Trim().Split('\n')[^1]}");
        return JsonNode.Parse(text.Trim().Split('\n')[^1])!;
    }

    /// <summary>The path of <paramref name="name"/> in the python/ folder of the repository this benchmark runs from.</summary>
    private static string ScriptPath(string name)
    {
        for (var dir = new DirectoryInfo(AppContext.BaseDirectory); dir is not null; dir = dir.Parent)
            if (File.Exists(Path.Combine(dir.FullName, "python", name))) return Path.Combine(dir.FullName, "python", name);
        throw new LatentException($"python/{name} not found above {AppContext.BaseDirectory}");
    }

    /// <summary>Runs <paramref name="file"/> with <paramref name="arguments"/> and returns its exit code and its standard output followed by its standard error.</summary>
    internal static (int Code, string Output) RunProcess(string file, IEnumerable<string> arguments)
    {
        var info = new ProcessStartInfo(file) { RedirectStandardOutput = true, RedirectStandardError = true, UseShellExecute = false };
        foreach (var a in arguments) info.ArgumentList.Add(a);
        using var process = Process.Start(info)!;
        var error = process.StandardError.ReadToEndAsync();
        string output = process.StandardOutput.ReadToEnd();
        process.WaitForExit();
        return (process.ExitCode, output + error.Result);
    }
}
