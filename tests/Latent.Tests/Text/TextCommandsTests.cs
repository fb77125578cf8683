using System.CommandLine;
using Latent.Cli.Commands;
using Latent.Cli.Infrastructure;
using Latent.Text;
using static TorchSharp.torch;

namespace Latent.Tests.Text;

public sealed class TextCommandsTests : TorchTest, IDisposable
{
    private readonly string directory = Directory.CreateTempSubdirectory("latent-text-cli-").FullName;

    public void Dispose() => Directory.Delete(directory, recursive: true);

    private static int Run(ICliCommand command, params string[] args)
    {
        var root = new RootCommand();
        root.Subcommands.Add(command.Build(new ConsoleUi()));
        var parsed = root.Parse(args);
        Assert.Empty(parsed.Errors);
        return parsed.Invoke(new InvocationConfiguration { EnableDefaultExceptionHandler = false });
    }

    private string PlainTextCorpus()
    {
        var random = new Random(3);
        string[] words = ["the", "cat", "sat", "on", "a", "mat", "dog", "ran", "to", "park", "."];
        var path = Path.Combine(directory, "corpus.txt");
        File.WriteAllLines(path, Enumerable.Range(0, 400).Select(_ => string.Join(' ', Enumerable.Range(0, 12).Select(_ => words[random.Next(words.Length)]))));
        return path;
    }

    [Fact]
    public void Word2VecTrainWritesVectorFilesThatSimilarAndAnalogyRead()
    {
        var corpus = PlainTextCorpus();
        var outDir = Path.Combine(directory, "w2v");
        Assert.Equal(0, Run(new Word2VecCommand(), "word2vec", "train", "--corpus", corpus, "--dim", "8", "--epochs", "1", "--min-count", "1", "--out", outDir));
        var binary = WordVectors.Load(Path.Combine(outDir, "vectors.bin"), WordVectorFormat.Binary);
        var text = WordVectors.Load(Path.Combine(outDir, "vectors.txt"), WordVectorFormat.Text);
        Assert.Equal(11, binary.Count);
        Assert.Equal(binary.Words, text.Words);
        Assert.Equal(binary.Matrix.ToArray(), text.Matrix.ToArray());
        Assert.Equal(0, Run(new Word2VecCommand(), "word2vec", "similar", "--vectors", Path.Combine(outDir, "vectors.bin"), "cat", "--k", "3"));
        Assert.Equal(0, Run(new Word2VecCommand(), "word2vec", "analogy", "--vectors", Path.Combine(outDir, "vectors.txt"), "cat", "dog", "mat"));
        Assert.Throws<LatentException>(() => Run(new Word2VecCommand(), "word2vec", "similar", "--vectors", Path.Combine(outDir, "missing.bin"), "cat"));
        Assert.Throws<LatentException>(() => Run(new Word2VecCommand(), "word2vec", "similar", "--vectors", Path.Combine(outDir, "vectors.bin"), "zebra"));
    }

    [Fact]
    public void LmTrainWritesAModelThatEvalAndGenerateLoad()
    {
        var corpus = PlainTextCorpus();
        var outDir = Path.Combine(directory, "lm");
        Assert.Equal(0, Run(new LmCommand(), "lm", "train", "--corpus", corpus, "--size", "16", "--epochs", "1", "--min-count", "1", "--batch-size", "4", "--out", outDir));
        Assert.True(File.Exists(Path.Combine(outDir, "checkpoint.pt")));
        Assert.True(File.Exists(Path.Combine(outDir, "perplexity.png")));
        Assert.Equal(0, Run(new LmCommand(), "lm", "eval", "--model", outDir, "--corpus", corpus));
        Assert.Equal(0, Run(new LmCommand(), "lm", "generate", "--model", outDir, "--prompt", "the cat", "--words", "5", "--top-k", "3"));

        var (model, vocabulary) = LstmLanguageModelFiles.Load(outDir, CPU);
        var (again, _) = LstmLanguageModelFiles.Load(outDir, CPU);
        using var input = tensor(vocabulary.Encode(["the", "cat", "sat"]).Select(i => (long)i).ToArray(), [1, 3]);
        using var noGrad = no_grad();
        Assert.Equal(model.forward(input, null).Logits.data<float>().ToArray(), again.forward(input, null).Logits.data<float>().ToArray());
        File.WriteAllText(Path.Combine(outDir, "model.json"), "{ not json");
        Assert.Throws<LatentException>(() => LstmLanguageModelFiles.Load(outDir, CPU));
    }
}
