using System.Text;
using Latent.Data;
using Latent.Text;
using Xunit.Abstractions;

namespace Latent.Tests.Fuzz;

/// <summary>Fuzzes the corpus readers (plain and gzipped, tagged and untagged) and the word-vector file readers (text and binary).</summary>
public sealed class TextFuzzTests : TorchTest, IDisposable
{
    private const string Tagged = "The/at dog/nn barked/vbd ./.\nA/at cat/nn sat/vbd on/in the/at mat/nn ./.\n\nIt/pps was/bedz late/jj ./.\n";
    private readonly string dir = Directory.CreateTempSubdirectory("latent-fuzz-text-").FullName;
    private readonly ITestOutputHelper output;
    private int caseNumber;

    public TextFuzzTests(ITestOutputHelper output) => this.output = output;

    public void Dispose() => Directory.Delete(dir, true);

    private string Write(string name, byte[] bytes)
    {
        var path = Path.Combine(Directory.CreateDirectory(Path.Combine(dir, $"case{caseNumber++}")).FullName, name);
        File.WriteAllBytes(path, bytes);
        return path;
    }

    [Fact]
    public void CorpusFiles()
    {
        var run = new FuzzRun("corpus text (CorpusTokens, BrownCorpus; plain and gz)", output);
        var plain = Encoding.UTF8.GetBytes(Tagged);
        var untagged = Encoding.UTF8.GetBytes("The dog barked.\nA cat sat on the mat.\n");
        var gz = DataReaderFuzzTests.Gzip(plain);
        void Case(string name, string file, byte[] bytes)
        {
            var path = Write(file, bytes);
            run.Case(name, () =>
            {
                CorpusTokens.Load(path);
                BrownCorpus.Load(path);
            }, path);
        }
        Case("empty file", "corpus.txt", Array.Empty<byte>());
        Case("whitespace only", "corpus.txt", Encoding.UTF8.GetBytes(" \n\t\n"));
        Case("NUL bytes", "corpus.txt", new byte[64]);
        Case("invalid UTF-8", "corpus.txt", plain.Select((b, i) => i % 7 == 3 ? (byte)0xFF : b).ToArray());
        Case("slashes only", "corpus.txt", Encoding.UTF8.GetBytes("/ // /// /x/\n"));
        Case("one 300,000-character line", "corpus.txt", Encoding.UTF8.GetBytes(new string('a', 300_000)));
        Case("untagged text", "corpus.txt", untagged);
        Case("gzip header only", "corpus.txt.gz", gz[..10]);
        Case("gzip of nothing", "corpus.txt.gz", DataReaderFuzzTests.Gzip(Array.Empty<byte>()));
        Case("gzip magic then garbage", "corpus.txt.gz", new byte[] { 0x1f, 0x8b, 1, 2, 3, 4, 5 });
        Case("gzip of binary", "corpus.txt.gz", DataReaderFuzzTests.Gzip(Enumerable.Range(0, 256).Select(b => (byte)b).ToArray()));
        var mutator = new Mutator(41);
        foreach (var (name, bytes) in mutator.Mutate(plain, 25)) Case($"plain: {name}", "corpus.txt", bytes);
        foreach (var (name, bytes) in mutator.Mutate(gz, 25)) Case($"gz: {name}", "corpus.txt.gz", bytes);
        var folder = Directory.CreateDirectory(Path.Combine(dir, "folder")).FullName;
        File.WriteAllBytes(Path.Combine(folder, "ca01"), plain);
        File.WriteAllBytes(Path.Combine(folder, "ca02"), gz[..(gz.Length / 2)]);
        run.Case("a folder with a truncated gzip member", () => CorpusTokens.Load(folder), folder);
        run.Finish();
    }

    [Fact]
    public void WordVectorFiles()
    {
        var run = new FuzzRun("word vectors (WordVectors text and binary)", output);
        var words = new[] { "the", "dog", "cat", "sat", "mat", "ran" };
        var vectors = new WordVectors(words, 4, Enumerable.Range(0, 24).Select(v => (float)Math.Sin(v)).ToArray());
        var textPath = Path.Combine(dir, "seed.txt");
        var binaryPath = Path.Combine(dir, "seed.bin");
        vectors.Save(textPath, WordVectorFormat.Text);
        vectors.Save(binaryPath, WordVectorFormat.Binary);
        var text = File.ReadAllBytes(textPath);
        var binary = File.ReadAllBytes(binaryPath);
        var line = File.ReadAllLines(textPath)[2];
        var value = line.Split(' ')[2];
        void Case(string name, string file, byte[] bytes)
        {
            var path = Write(file, bytes);
            run.Case(name, () =>
            {
                var format = file.EndsWith(".bin", StringComparison.Ordinal) ? WordVectorFormat.Binary : WordVectorFormat.Text;
                WordVectors.Load(path, format);
                WordVectors.Read(path);
            }, path);
        }
        foreach (var (file, valid) in new[] { ("vectors.txt", text), ("vectors.bin", binary) })
        {
            foreach (var header in new[] { "999999999 4", "6 999999999", "2147483647 2147483647", "-1 4", "6 -4", "6 0", "0 4", "7 4", "5 4", "6", "6 4 4", "six four", "" })
                Case($"{file}: header '{header}'", file, Mutator.Replace(valid, "6 4\n", header + "\n").Bytes);
            Case($"{file}: empty", file, Array.Empty<byte>());
            Case($"{file}: header only", file, Encoding.UTF8.GetBytes("6 4\n"));
            Case($"{file}: duplicated word", file, Mutator.Replace(valid, "dog", "the").Bytes);
            foreach (var (name, bytes) in new Mutator(file.Length).Mutate(valid, 22)) Case($"{file}: {name}", file, bytes);
        }
        foreach (var bad in new[] { "nan", "NaN", "inf", "-Infinity", "1e999", "0x10", "1,5", "" })
            Case($"vectors.txt: value '{bad}'", "vectors.txt", Mutator.Replace(text, line, line.Replace(" " + value, " " + bad)).Bytes);
        var nan = (byte[])binary.Clone();
        BitConverter.GetBytes(float.NaN).CopyTo(nan, "6 4\nthe ".Length);
        Case("vectors.bin: NaN value", "vectors.bin", nan);
        run.Finish();
    }
}
