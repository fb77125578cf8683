using System.Globalization;
using Latent.Data;
using Latent.Text;

namespace Latent.Bench;

/// <summary>
/// word2vec on a small corpus, where start-up and output files weigh as much as training: `latent word2vec train --corpus FILE` as a
/// user runs it (defaults, TensorBoard log and checkpoint included) against gensim's whole process on the same file (read, train,
/// save the resumable model and both vector files), alternating, in the same run. The file is the first 200,000 tokens of Brown,
/// lowercased, one sentence per line, already split as Latent's tokenizer splits it, so both read the same tokens.
/// </summary>
public sealed class Word2VecSmallCorpusWorkload : IWorkload
{
    private const double TargetRatio = 0.8;

    /// <inheritdoc />
    public string Name => "word2vec-small";

    /// <inheritdoc />
    public string Description => "whole `latent word2vec train` process vs gensim's on a 200,000-token text, alternating (target ≤ 0.8×) [--rounds 3] [--tokens 200000] [--model skipgram] [--loss negative] [--latent PATH] [--also PATH (another latent build, timed in the same run)]";

    /// <inheritdoc />
    public void Run(string[] args)
    {
        Arguments.RejectUnknown(args, "--rounds", "--tokens", "--model", "--loss", "--latent", "--also");
        int rounds = Arguments.Int(args, "--rounds", 3), tokens = Arguments.Int(args, "--tokens", 200_000);
        var settings = new Word2VecOptions { Model = Arguments.Text(args, "--model") ?? Word2VecOptions.Default.Model, Loss = Arguments.Text(args, "--loss") ?? Word2VecOptions.Default.Loss };
        settings.Validate();
        var latent = Word2VecBrownWorkload.LatentProcess.Find(Arguments.Text(args, "--latent"), out string whyNot) ?? throw new LatentException(whyNot);
        var also = Arguments.Text(args, "--also") is { } other ? Word2VecBrownWorkload.LatentProcess.Find(other, out _) : null;
        var gensim = GensimWord2Vec.Find(out string why);
        var directory = Directory.CreateTempSubdirectory("latent-w2v-small-").FullName;
        try
        {
            var corpus = WriteCorpus(Path.Combine(directory, "small.txt"), tokens);
            Console.WriteLine($"corpus: {corpus} ({tokens:N0} tokens of lowercased Brown); {settings.Model} + {settings.Loss}, d={settings.Dimensions} window={settings.Window} " +
                              $"min_count={settings.MinCount} sample={settings.Sample} epochs={settings.Epochs} threads={settings.Threads}");
            Console.WriteLine($"latent: {latent.Path}{(also is null ? "" : $"; also {also.Path}")}; gensim: {(gensim is null ? $"not measured: {why}" : gensim.Version)}");
            var times = new Dictionary<string, List<double>> { ["latent"] = [], ["also"] = [], ["gensim"] = [] };
            for (int round = 1; round <= rounds; round++)
            {
                var line = $"round {round} [{Word2VecBrownWorkload.Load()}]:";
                times["latent"].Add(latent.Train(corpus, settings, Path.Combine(directory, "latent")).Seconds);
                line += string.Create(CultureInfo.InvariantCulture, $" latent {times["latent"][^1]:F2} s");
                if (also is not null)
                {
                    times["also"].Add(also.Train(corpus, settings, Path.Combine(directory, "also")).Seconds);
                    line += string.Create(CultureInfo.InvariantCulture, $", --also {times["also"][^1]:F2} s");
                }
                if (gensim is not null)
                {
                    times["gensim"].Add(gensim.TrainFile(corpus, settings, Path.Combine(directory, "gensim")));
                    line += string.Create(CultureInfo.InvariantCulture, $", gensim {times["gensim"][^1]:F2} s");
                }
                Console.WriteLine(line);
            }
            double Median(List<double> values) => values.Order().ElementAt(values.Count / 2);
            var summary = string.Create(CultureInfo.InvariantCulture, $"median whole process: latent {Median(times["latent"]):F2} s");
            if (also is not null) summary += string.Create(CultureInfo.InvariantCulture, $", --also {Median(times["also"]):F2} s");
            if (gensim is not null)
            {
                double ratio = Median(times["latent"]) / Median(times["gensim"]);
                summary += string.Create(CultureInfo.InvariantCulture, $", gensim {Median(times["gensim"]):F2} s; latent/gensim {ratio:F2} (target ≤ {TargetRatio}: {(ratio <= TargetRatio ? "met" : "NOT met")})");
                if (also is not null) summary += string.Create(CultureInfo.InvariantCulture, $"; --also/gensim {Median(times["also"]) / Median(times["gensim"]):F2}");
            }
            Console.WriteLine(summary);
        }
        finally
        {
            Directory.Delete(directory, recursive: true);
        }
    }

    /// <summary>The first <paramref name="tokens"/> tokens of Brown, lowercased and split by <see cref="Tokenizer"/>, one sentence per line.</summary>
    private static string WriteCorpus(string path, int tokens)
    {
        using var writer = new StreamWriter(path);
        int written = 0;
        foreach (var sentence in BrownCorpus.LoadEmbedded().Sentences)
        {
            var words = sentence.SelectMany(t => Tokenizer.Tokenize(t.Word, lowercase: true)).Take(tokens - written).ToList();
            if (words.Count == 0) continue;
            writer.WriteLine(string.Join(' ', words));
            if ((written += words.Count) >= tokens) break;
        }
        return path;
    }
}
