using System.Buffers.Binary;
using System.Globalization;
using System.IO.Compression;
using System.Text;
using Latent.Data;
using Latent.Tests.Data;
using SkiaSharp;
using Xunit.Abstractions;

namespace Latent.Tests.Fuzz;

/// <summary>
/// Fuzzes the data readers behind <see cref="DatasetLoader.Load"/> (IDX folders, .npy, .npz, CSV/TSV, image folders): each
/// malformed input must load or be refused in one line, never crash with another exception or allocate from a bad header.
/// </summary>
public sealed class DataReaderFuzzTests : TorchTest, IDisposable
{
    private readonly string dir = Directory.CreateTempSubdirectory("latent-fuzz-data-").FullName;
    private readonly ITestOutputHelper output;

    public DataReaderFuzzTests(ITestOutputHelper output) => this.output = output;

    public void Dispose() => Directory.Delete(dir, true);

    private static void Load(string path)
    {
        using var data = DatasetLoader.Load(new DataOptions { Path = path });
    }

    /// <summary>Runs <paramref name="cases"/> against a fresh copy of the file at <paramref name="valid"/>, written under <paramref name="name"/>.</summary>
    private void FileCases(FuzzRun run, string name, IEnumerable<(string Name, byte[] Bytes)> cases, Action<string>? load = null)
    {
        int i = 0;
        foreach (var (caseName, bytes) in cases)
        {
            var path = Path.Combine(Directory.CreateDirectory(Path.Combine(dir, $"case{i++}")).FullName, name);
            File.WriteAllBytes(path, bytes);
            run.Case(caseName, () => (load ?? Load)(path), path);
        }
    }

    [Fact]
    public void IdxFolders()
    {
        var run = new FuzzRun("IDX folder (Mnist.Load, IdxReader)", output);
        var seed = TinyDataFiles.IdxFolder(Path.Combine(dir, "seed"), trainCount: 6, testCount: 4, size: 4, classes: 2);
        var files = Directory.GetFiles(seed).Order(StringComparer.Ordinal).ToArray();
        var mutator = new Mutator(13);
        int i = 0;
        void Case(string file, string name, byte[]? bytes)
        {
            var copy = Directory.CreateDirectory(Path.Combine(dir, $"idx{i++}")).FullName;
            foreach (var f in files) File.Copy(f, Path.Combine(copy, Path.GetFileName(f)));
            var target = Path.Combine(copy, Path.GetFileName(file));
            if (bytes is null) File.Delete(target);
            else File.WriteAllBytes(target, bytes);
            run.Case($"{Path.GetFileName(file)}: {name}", () =>
            {
                Load(copy);
                using var split = Mnist.Load(copy, MnistSplit.Train);
            }, copy);
        }
        foreach (var file in files)
        {
            var valid = File.ReadAllBytes(file);
            Case(file, "deleted", null);
            Case(file, "gzipped", Gzip(valid));
            Case(file, "gzipped then truncated", Gzip(valid)[..20]);
            Case(file, "element type float (0x0D)", With(valid, 2, 0x0d));
            Case(file, "rank 0", With(valid, 3, 0));
            Case(file, "rank 255", With(valid, 3, 255));
            foreach (var size in new[] { 0u, 0x7fffffffu, 0xffffffffu, 0x80000000u, 65536u })
                Case(file, $"first dimension {size}", WithUInt(valid, 4, size));
            Case(file, "second dimension 0x7fffffff", WithUInt(valid, valid[3] > 1 ? 8 : 4, 0x7fffffff));
            foreach (var (name, bytes) in mutator.Mutate(valid, 6)) Case(file, name, bytes);
        }
        run.Finish();
    }

    [Fact]
    public void NpyFiles()
    {
        var run = new FuzzRun("npy (NpyReader via DatasetLoader)", output);
        var values = Enumerable.Range(0, 18).Select(v => v / 10.0);
        var valid = NpyBytes.Array("<f4", new long[] { 6, 3 }, values);
        var data = NpyBytes.Encode("<f4", values);
        var header = NpyBytes.Header("<f4", new long[] { 6, 3 });
        var cases = new List<(string, byte[])>();
        void Header(string find, string replacement) =>
            cases.Add(($"header '{find}' → '{replacement}'", NpyBytes.Npy(header.Replace(find, replacement, StringComparison.Ordinal), data)));
        foreach (var descr in new[] { "'<f2'", "'|O'", "'<c8'", "'>f4'", "'<i8'", "'<U3'", "'|b1'", "'<f16'", "[('a', '<f4')]", "'<f4x'", "''", "None", "7" })
            Header("'<f4'", descr);
        foreach (var dims in new[] { "(-1, 3)", "(99999999999, 3)", "(6,)", "()", "(0, 3)", "(6, 3, 2)", "(4611686018427387904, 4611686018427387904)", "(6, 3", "[6, 3]", "(6.5, 3)", "('6', 3)", "(18,)", "(3, 6)", "(1, 1, 1, 1, 1, 18)" })
            Header("(6, 3)", dims);
        Header("False", "True");
        Header("False", "7");
        Header("'descr': '<f4', ", "");
        Header("'shape': (6, 3), ", "");
        Header("{", "[");
        Header("}", "");
        Header("'descr'", "'descr', 'descr'");
        cases.Add(("version 9", With(valid, 6, 9)));
        cases.Add(("header length 65535", WithUShort(valid, 8, 0xffff)));
        cases.Add(("header length 0", WithUShort(valid, 8, 0)));
        cases.Add(("NaN value", NpyBytes.Array("<f4", new long[] { 6, 3 }, Enumerable.Range(0, 18).Select(v => v == 7 ? double.NaN : v))));
        cases.Add(("+Inf value", NpyBytes.Array("<f8", new long[] { 6, 3 }, Enumerable.Range(0, 18).Select(v => v == 7 ? double.PositiveInfinity : v))));
        cases.Add(("float64 overflowing float32", NpyBytes.Array("<f8", new long[] { 6, 3 }, Enumerable.Range(0, 18).Select(v => v == 2 ? 1e300 : v))));
        cases.Add(("int64 features", NpyBytes.Array("<i8", new long[] { 6, 3 }, Enumerable.Range(0, 18).Select(v => (double)v))));
        cases.Add(("uint8 images [N, H, W, 2]", NpyBytes.Array("|u1", new long[] { 6, 2, 2, 2 }, Enumerable.Range(0, 48).Select(v => (double)v))));
        cases.Add(("version 2 header", NpyBytes.Array("<f4", new long[] { 6, 3 }, Enumerable.Range(0, 18).Select(v => v / 10.0), version: 2)));
        cases.Add(("empty file", Array.Empty<byte>()));
        cases.AddRange(new Mutator(17).Mutate(valid, 60 - cases.Count));
        FileCases(run, "x.npy", cases);
        run.Finish();
    }

    [Fact]
    public void NpzArchives()
    {
        var run = new FuzzRun("npz (NpzReader via DatasetLoader)", output);
        var members = new Dictionary<string, byte[]>
        {
            ["x_train"] = NpyBytes.Array("<f4", new long[] { 6, 3 }, Enumerable.Range(0, 18).Select(v => v / 10.0)),
            ["y_train"] = NpyBytes.Array("<i8", new long[] { 6 }, Enumerable.Range(0, 6).Select(v => (double)(v % 2))),
            ["x_test"] = NpyBytes.Array("<f4", new long[] { 4, 3 }, Enumerable.Range(0, 12).Select(v => v / 7.0)),
            ["y_test"] = NpyBytes.Array("<i8", new long[] { 4 }, Enumerable.Range(0, 4).Select(v => (double)(v % 2))),
        };
        byte[] Archive(IReadOnlyDictionary<string, byte[]> content, CompressionLevel level = CompressionLevel.Optimal)
        {
            var path = Path.Combine(dir, "archive.npz");
            NpyBytes.WriteNpz(path, content.Select(kv => (kv.Key, kv.Value)), level);
            var bytes = File.ReadAllBytes(path);
            File.Delete(path);
            return bytes;
        }
        Dictionary<string, byte[]> With(string member, byte[]? value)
        {
            var copy = new Dictionary<string, byte[]>(members);
            if (value is null) copy.Remove(member);
            else copy[member] = value;
            return copy;
        }
        var cases = new List<(string, byte[])>();
        foreach (var member in members.Keys) cases.Add(($"no {member}", Archive(With(member, null))));
        cases.Add(("only y members", Archive(With("x_train", null).Where(kv => kv.Key != "x_test").ToDictionary())));
        cases.Add(("empty archive", Archive(new Dictionary<string, byte[]>())));
        cases.Add(("stored, not deflated", Archive(members, CompressionLevel.NoCompression)));
        cases.Add(("fractional label", Archive(With("y_train", NpyBytes.Array("<f8", new long[] { 6 }, new[] { 0, 1, 0.5, 1, 0, 1 })))));
        cases.Add(("NaN label", Archive(With("y_train", NpyBytes.Array("<f4", new long[] { 6 }, new[] { 0, 1, double.NaN, 1, 0, 1 })))));
        cases.Add(("negative label", Archive(With("y_test", NpyBytes.Array("<i4", new long[] { 4 }, new double[] { 0, -1, 0, 1 })))));
        cases.Add(("huge uint64 label", Archive(With("y_test", NpyBytes.Array("<u8", new long[] { 4 }, new[] { 0, 1e19, 0, 1 })))));
        cases.Add(("label 99999", Archive(With("y_test", NpyBytes.Array("<i8", new long[] { 4 }, new double[] { 0, 99999, 0, 1 })))));
        cases.Add(("labels [N, 2]", Archive(With("y_train", NpyBytes.Array("<i8", new long[] { 3, 2 }, Enumerable.Range(0, 6).Select(v => (double)(v % 2)))))));
        cases.Add(("5 labels for 6 examples", Archive(With("y_train", NpyBytes.Array("<i8", new long[] { 5 }, Enumerable.Range(0, 5).Select(v => (double)(v % 2)))))));
        cases.Add(("test with 4 features", Archive(With("x_test", NpyBytes.Array("<f4", new long[] { 4, 4 }, Enumerable.Range(0, 16).Select(v => v / 7.0))))));
        cases.Add(("NaN feature", Archive(With("x_train", NpyBytes.Array("<f4", new long[] { 6, 3 }, Enumerable.Range(0, 18).Select(v => v == 5 ? double.NaN : v))))));
        cases.Add(("-Inf feature", Archive(With("x_test", NpyBytes.Array("<f8", new long[] { 4, 3 }, Enumerable.Range(0, 12).Select(v => v == 5 ? double.NegativeInfinity : v))))));
        cases.Add(("string features", Archive(With("x_train", NpyBytes.Npy(NpyBytes.Header("<U1", new long[] { 6, 3 }), new byte[72])))));
        cases.Add(("object features", Archive(With("x_train", NpyBytes.Npy(NpyBytes.Header("|O", new long[] { 6, 3 }), new byte[144])))));
        cases.Add(("x_train shape claims 2^40 rows", Archive(With("x_train", NpyBytes.Npy(NpyBytes.Header("<f4", new long[] { 1L << 40, 3 }), new byte[72])))));
        cases.Add(("x_train shape negative", Archive(With("x_train", NpyBytes.Npy(NpyBytes.Header("<f4", new long[] { -6, 3 }), new byte[72])))));
        cases.Add(("x_train a scalar", Archive(With("x_train", NpyBytes.Array("<f4", Array.Empty<long>(), new[] { 1.0 })))));
        cases.Add(("x_train empty [0, 3]", Archive(With("x_train", NpyBytes.Array("<f4", new long[] { 0, 3 }, Array.Empty<double>())))));
        cases.Add(("member not an npy", Archive(With("x_train", Encoding.UTF8.GetBytes("not an array")))));
        cases.Add(("empty file", Array.Empty<byte>()));
        var valid = Archive(members);
        cases.AddRange(new Mutator(19).Mutate(valid, 40));
        cases.AddRange(new Mutator(23).Mutate(Archive(members, CompressionLevel.NoCompression), 20));
        FileCases(run, "data.npz", cases);
        run.Finish();
    }

    [Fact]
    public void CsvAndTsvFiles()
    {
        var run = new FuzzRun("CSV/TSV (DatasetLoader)", output);
        var valid = File.ReadAllBytes(TinyDataFiles.Csv(Directory.CreateDirectory(Path.Combine(dir, "seed")).FullName, count: 12, features: 3, classes: 2));
        var text = Encoding.UTF8.GetString(valid);
        var lines = text.Split('\n');
        var row = lines[2];
        var cell = row.Split(',')[1];
        var cases = new List<(string, byte[])>
        {
            Mutator.Replace(valid, "label", "target"),
            Mutator.Replace(valid, "f0,", ""),
            Mutator.Replace(valid, row, row + ",7"),
            Mutator.Replace(valid, row, row[..row.LastIndexOf(',')]),
            Mutator.Replace(valid, "," + cell + ",", ",NaN,"),
            Mutator.Replace(valid, "," + cell + ",", ",Infinity,"),
            Mutator.Replace(valid, "," + cell + ",", ",-inf,"),
            Mutator.Replace(valid, "," + cell + ",", ",1e999,"),
            Mutator.Replace(valid, "," + cell + ",", ",,"),
            Mutator.Replace(valid, "," + cell + ",", ",\"unterminated,"),
            Mutator.Replace(valid, "," + cell + ",", ",\"1.5\","),
            Mutator.Replace(valid, "," + cell + ",", ",0x1F,"),
            Mutator.Replace(valid, row, row[..row.LastIndexOf(',')] + ",-1"),
            Mutator.Replace(valid, row, row[..row.LastIndexOf(',')] + ",1.5"),
            Mutator.Replace(valid, row, row[..row.LastIndexOf(',')] + ","),
            Mutator.Replace(valid, row, row[..row.LastIndexOf(',')] + ",cat"),
            Mutator.Replace(valid, row, row[..row.LastIndexOf(',')] + ",99999999999999999999"),
            Mutator.Replace(valid, row, row[..row.LastIndexOf(',')] + ",NaN"),
            ("header only", Encoding.UTF8.GetBytes(lines[0] + "\n")),
            ("empty file", Array.Empty<byte>()),
            ("blank lines", Encoding.UTF8.GetBytes("\n\n\n")),
            ("byte-order mark", Encoding.UTF8.GetPreamble().Concat(valid).ToArray()),
            ("semicolons", Encoding.UTF8.GetBytes(text.Replace(',', ';'))),
            ("tabs in a .csv", Encoding.UTF8.GetBytes(text.Replace(',', '\t'))),
            ("CRLF line ends", Encoding.UTF8.GetBytes(text.Replace("\n", "\r\n"))),
            ("NUL bytes", Encoding.UTF8.GetBytes(text.Replace(",", ",\0"))),
            ("invalid UTF-8", valid.Select((b, i) => i % 11 == 5 ? (byte)0xC3 : b).ToArray()),
            ("a 200,000-character cell", Mutator.Replace(valid, "," + cell + ",", "," + new string('9', 200_000) + ",").Bytes),
            ("duplicate header names", Mutator.Replace(valid, "f1", "f0").Bytes),
            ("two label columns", Mutator.Replace(valid, "f1", "label").Bytes),
        };
        cases.AddRange(new Mutator(29).Mutate(valid, 40));
        FileCases(run, "data.csv", cases);
        var tsv = Encoding.UTF8.GetBytes(text.Replace(',', '\t'));
        var tsvCases = new List<(string, byte[])> { ("commas in a .tsv", valid), ("valid .tsv", tsv) };
        tsvCases.AddRange(new Mutator(31).Mutate(tsv, 20));
        FileCases(run, "data.tsv", tsvCases);
        run.Finish();
    }

    [Fact]
    public void ImageFolders()
    {
        var run = new FuzzRun("image folder (PNG/JPEG)", output);
        var seed = TinyDataFiles.ImageFolder(Path.Combine(dir, "seed"), trainPerClass: 3, testPerClass: 1, size: 4, classes: 2);
        var jpeg = Path.Combine(seed, "train", TinyDataFiles.ClassName(0), "jpeg.jpg");
        TinyDataFiles.WritePng(jpeg, Enumerable.Repeat((byte)100, 48).ToArray(), 4, 4, SKEncodedImageFormat.Jpeg);
        var png = Path.Combine(seed, "train", TinyDataFiles.ClassName(1), "000.png");
        var mutator = new Mutator(37);
        int i = 0;
        void Case(string name, Action<string> corrupt)
        {
            var copy = Path.Combine(dir, $"images{i++}");
            CopyTree(seed, copy);
            corrupt(copy);
            run.Case(name, () => Load(copy), copy);
        }
        string In(string root, string file) => Path.Combine(root, Path.GetRelativePath(seed, file));
        foreach (var file in new[] { png, jpeg })
        {
            var valid = File.ReadAllBytes(file);
            foreach (var (name, bytes) in mutator.Mutate(valid, 22)) Case($"{Path.GetFileName(file)}: {name}", root => File.WriteAllBytes(In(root, file), bytes));
            Case($"{Path.GetFileName(file)}: empty", root => File.WriteAllBytes(In(root, file), Array.Empty<byte>()));
            Case($"{Path.GetFileName(file)}: text", root => File.WriteAllText(In(root, file), "not an image"));
        }
        var pngBytes = File.ReadAllBytes(png);
        foreach (var (width, height) in new[] { (0u, 4u), (4u, 0u), (0x7fffffffu, 4u), (100_000u, 100_000u), (0xffffffffu, 0xffffffffu), (8u, 8u), (16385u, 16385u) })
            Case($"PNG header says {width}×{height}", root => File.WriteAllBytes(In(root, png), PngWithSize(pngBytes, width, height)));
        Case("an image of another size", root => TinyDataFiles.WritePng(In(root, png), new byte[5 * 5 * 3], 5, 5));
        Case("an empty class folder", root => Directory.CreateDirectory(Path.Combine(root, "train", "class-z")));
        Case("a class folder of text files", root => File.WriteAllText(Path.Combine(Directory.CreateDirectory(Path.Combine(root, "test", "class-y")).FullName, "notes.txt"), "x"));
        Case("no train images at all", root => Directory.Delete(Path.Combine(root, "train"), true));
        Case("a test class unseen in training", root => File.Copy(In(root, png), Path.Combine(Directory.CreateDirectory(Path.Combine(root, "test", "class-new")).FullName, "x.png")));
        Case("a colour image among grey ones", root => TinyDataFiles.WritePng(In(root, png), Enumerable.Range(0, 48).Select(v => (byte)(v * 5)).ToArray(), 4, 4));
        Case("a directory named like an image", root => { File.Delete(In(root, png)); Directory.CreateDirectory(In(root, png)); });
        run.Finish();
    }

    private static void CopyTree(string from, string to)
    {
        foreach (var directory in Directory.GetDirectories(from, "*", SearchOption.AllDirectories))
            Directory.CreateDirectory(Path.Combine(to, Path.GetRelativePath(from, directory)));
        foreach (var file in Directory.GetFiles(from, "*", SearchOption.AllDirectories))
            File.Copy(file, Path.Combine(to, Path.GetRelativePath(from, file)));
    }

    /// <summary>A copy of a PNG whose IHDR width and height are replaced, with the chunk's CRC recomputed so decoders read the lie.</summary>
    private static byte[] PngWithSize(byte[] png, uint width, uint height)
    {
        var bytes = (byte[])png.Clone();
        BinaryPrimitives.WriteUInt32BigEndian(bytes.AsSpan(16), width);
        BinaryPrimitives.WriteUInt32BigEndian(bytes.AsSpan(20), height);
        BinaryPrimitives.WriteUInt32BigEndian(bytes.AsSpan(29), Crc32(bytes.AsSpan(12, 17)));
        return bytes;
    }

    private static uint Crc32(ReadOnlySpan<byte> data)
    {
        uint crc = 0xffffffff;
        foreach (var b in data)
        {
            crc ^= b;
            for (int k = 0; k < 8; k++) crc = (crc & 1) != 0 ? (crc >> 1) ^ 0xedb88320 : crc >> 1;
        }
        return ~crc;
    }

    internal static byte[] Gzip(byte[] bytes)
    {
        using var output = new MemoryStream();
        using (var gzip = new GZipStream(output, CompressionLevel.Optimal)) gzip.Write(bytes);
        return output.ToArray();
    }

    private static byte[] With(byte[] bytes, int index, byte value)
    {
        var copy = (byte[])bytes.Clone();
        copy[index] = value;
        return copy;
    }

    private static byte[] WithUInt(byte[] bytes, int index, uint value)
    {
        var copy = (byte[])bytes.Clone();
        BinaryPrimitives.WriteUInt32BigEndian(copy.AsSpan(index), value);
        return copy;
    }

    private static byte[] WithUShort(byte[] bytes, int index, ushort value)
    {
        var copy = (byte[])bytes.Clone();
        BinaryPrimitives.WriteUInt16LittleEndian(copy.AsSpan(index), value);
        return copy;
    }
}
