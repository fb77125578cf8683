using System.Text;
using Latent.Text;

namespace Latent.Tests.Text;

public sealed class WordVectorFilesTests : IDisposable
{
    private readonly string directory = Directory.CreateTempSubdirectory("latent-text-").FullName;

    public void Dispose() => Directory.Delete(directory, recursive: true);

    private static WordVectors Sample() => new(["the", "café", "</s>"], 3, [0.25f, -1.5f, 3e-8f, 1f / 3, 2f, -0f, 123456.789f, -7f, 0.1f]);

    [Theory]
    [InlineData(WordVectorFormat.Text)]
    [InlineData(WordVectorFormat.Binary)]
    public void SavedVectorsLoadBackBitForBit(WordVectorFormat format)
    {
        var path = Path.Combine(directory, $"vectors.{format}");
        var vectors = Sample();
        vectors.Save(path, format);
        var loaded = WordVectors.Load(path, format);
        Assert.Equal(vectors.Words, loaded.Words);
        Assert.Equal(vectors.Matrix.ToArray(), loaded.Matrix.ToArray());
    }

    [Fact]
    public void ReadsAReferenceTextFileAsWord2VecCWritesIt()
    {
        var path = Path.Combine(directory, "reference.txt");
        // word2vec.c: fprintf "%lld %lld\n", then per word "%s " and "%lf " per value, then "\n".
        File.WriteAllText(path, "2 3\nking 0.500000 -0.250000 1.000000 \nqueen 0.125000 0.000000 -2.000000 \n");
        var loaded = WordVectors.Load(path, WordVectorFormat.Text);
        Assert.Equal(new[] { "king", "queen" }, loaded.Words);
        Assert.Equal(new[] { 0.5f, -0.25f, 1f, 0.125f, 0f, -2f }, loaded.Matrix.ToArray());
    }

    [Theory]
    [InlineData(true)]
    [InlineData(false)]
    public void ReadsAReferenceBinaryFileWithOrWithoutNewlinesAfterVectors(bool newline)
    {
        // word2vec.c writes "word " + float32 little-endian values + "\n"; gensim 4 omits the newline.
        var path = Path.Combine(directory, $"reference-{newline}.bin");
        using (var file = File.Create(path))
        {
            file.Write(Encoding.ASCII.GetBytes("2 2\n"));
            foreach (var (word, values) in new[] { ("king", new[] { 0.5f, -2f }), ("été", new[] { 1e-3f, 4f }) })
            {
                file.Write(Encoding.UTF8.GetBytes(word + " "));
                foreach (var v in values) file.Write(BitConverter.IsLittleEndian ? BitConverter.GetBytes(v) : BitConverter.GetBytes(v).Reverse().ToArray());
                if (newline) file.WriteByte((byte)'\n');
            }
        }
        var loaded = WordVectors.Load(path, WordVectorFormat.Binary);
        Assert.Equal(new[] { "king", "été" }, loaded.Words);
        Assert.Equal(new[] { 0.5f, -2f, 1e-3f, 4f }, loaded.Matrix.ToArray());
    }

    [Fact]
    public void WrittenBinaryFileHasTheReferenceLayout()
    {
        var path = Path.Combine(directory, "layout.bin");
        new WordVectors(["ab"], 1, [1f]).Save(path, WordVectorFormat.Binary);
        Assert.Equal(new byte[] { (byte)'1', (byte)' ', (byte)'1', (byte)'\n', (byte)'a', (byte)'b', (byte)' ', 0, 0, 0x80, 0x3f, (byte)'\n' }, File.ReadAllBytes(path));
    }

    [Theory]
    [InlineData(2)]
    [InlineData(4)]
    public void ABinaryFileOfAnotherDimensionThanItsHeaderIsAOneLineErrorNamingTheFile(int header)
    {
        // Words "alpha", "beta", "gamma" of 3 float32 values (1, 2, 3 …: no byte looks like text), under a header of another size.
        var path = Path.Combine(directory, $"other-{header}.bin");
        using (var file = File.Create(path))
        {
            file.Write(Encoding.ASCII.GetBytes($"3 {header}\n"));
            foreach (var (word, row) in new[] { ("alpha", 0), ("beta", 1), ("gamma", 2) })
            {
                file.Write(Encoding.ASCII.GetBytes(word + " "));
                for (int i = 0; i < 3; i++) file.Write(BitConverter.GetBytes(1f + row * 3 + i));
                file.WriteByte((byte)'\n');
            }
        }
        var message = Assert.Throws<LatentException>(() => WordVectors.Load(path, WordVectorFormat.Binary)).Message;
        Assert.StartsWith($"{path}: ", message);
        Assert.DoesNotContain('\n', message);
        Assert.Contains(header == 2 ? "word 2 of 3 is not text" : "file ends inside the vector of word 3", message);
    }

    [Fact]
    public void AModelFolderWhoseVectorsDisagreeWithItsConfigIsRefused()
    {
        var folder = Path.Combine(directory, "model");
        new Word2Vec(new Word2VecOptions { Dimensions = 4, MinCount = 1, Epochs = 1, Threads = 1 }).Fit("a b c a b a".Split(' ')).Save(folder);
        Assert.Equal(4, WordVectors.Read(folder).Dimensions);
        Sample().Save(Path.Combine(folder, Word2Vec.BinaryVectorsFile), WordVectorFormat.Binary);
        Assert.Equal($"{Path.Combine(folder, Word2Vec.BinaryVectorsFile)}: line 1 says 3 dimensions, the model's config.json 4",
            Assert.Throws<LatentException>(() => WordVectors.Read(folder)).Message);
    }

    [Fact]
    public void CorruptOrMissingFilesRaiseLatentException()
    {
        var path = Path.Combine(directory, "bad.txt");
        Assert.Throws<LatentException>(() => WordVectors.Load(path, WordVectorFormat.Text));
        File.WriteAllText(path, "2 3\nking 0.5 0.25\n");
        Assert.Throws<LatentException>(() => WordVectors.Load(path, WordVectorFormat.Text));
        File.WriteAllText(path, "1 2\nking 0.5 x\n");
        Assert.Throws<LatentException>(() => WordVectors.Load(path, WordVectorFormat.Text));
        File.WriteAllText(path, "hello\n");
        Assert.Throws<LatentException>(() => WordVectors.Load(path, WordVectorFormat.Text));
        File.WriteAllBytes(path, [.. Encoding.ASCII.GetBytes("1 4\nking "), 0, 0]);
        Assert.Throws<LatentException>(() => WordVectors.Load(path, WordVectorFormat.Binary));
    }
}
