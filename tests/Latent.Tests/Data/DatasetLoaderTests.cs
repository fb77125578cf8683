using System.Diagnostics;
using Latent.Data;
using Xunit.Abstractions;

namespace Latent.Tests.Data;

public class DatasetLoaderTests : TorchTest, IDisposable
{
    private readonly string dir = Directory.CreateTempSubdirectory("latent-loader-").FullName;
    private readonly ITestOutputHelper output;

    public DatasetLoaderTests(ITestOutputHelper output) => this.output = output;

    public void Dispose() => Directory.Delete(dir, true);

    [Fact]
    public void IdxFoldersStillLoadAsOneChannelImages()
    {
        var path = TinyDataFiles.IdxFolder(dir, trainCount: 6, testCount: 3, size: 5, classes: 3);
        using var data = DatasetLoader.Load(new DataOptions { Path = path });
        Assert.Equal(new long[] { 6, 1, 5, 5 }, data.Train.Features.shape);
        Assert.Equal(new long[] { 3, 1, 5, 5 }, data.Test.Features.shape);
        Assert.Equal(new long[] { 0, 1, 2, 0, 1, 2 }, data.Train.Labels!.data<long>().ToArray());
        Assert.Equal(new[] { "0", "1", "2" }, data.ClassNames);
        // A sub-folder of pictures beside the IDX files does not make it an image folder.
        TinyDataFiles.ImageFolder(path);
        using var again = DatasetLoader.Load(new DataOptions { Path = path });
        Assert.Equal(new long[] { 6, 1, 5, 5 }, again.Train.Features.shape);
    }

    [Fact]
    public void TinyDataFilesWritesALoadableDataSetInEveryFormat()
    {
        var sources = new (string Path, long[] Example, int Train, int Test)[]
        {
            (TinyDataFiles.IdxFolder(dir), new long[] { 1, 8, 8 }, 30, 12),
            (TinyDataFiles.NpzVectors(dir), new long[] { 5 }, 30, 12),
            (TinyDataFiles.NpzImages(Directory.CreateDirectory(Path.Combine(dir, "grey")).FullName), new long[] { 1, 8, 8 }, 30, 12),
            (TinyDataFiles.NpzImages(Directory.CreateDirectory(Path.Combine(dir, "rgb")).FullName, channels: 3), new long[] { 3, 8, 8 }, 30, 12),
            (TinyDataFiles.Csv(dir), new long[] { 5 }, 32, 8),
            (TinyDataFiles.ImageFolder(dir), new long[] { 1, 8, 8 }, 30, 12),
            (TinyDataFiles.ImageFolder(Directory.CreateDirectory(Path.Combine(dir, "colour")).FullName, colour: true), new long[] { 3, 8, 8 }, 30, 12),
        };
        foreach (var (path, example, train, test) in sources)
        {
            using var data = DatasetLoader.Load(new DataOptions { Path = path });
            Assert.Equal(example, data.ExampleShape);
            Assert.Equal(train, data.Train.Count);
            Assert.Equal(test, data.Test.Count);
            Assert.Equal(3, data.ClassCount);
            // Each class has a distinct mean: the class-mean of the training features differs between classes 0 and 1.
            var flat = data.Train.Flat();
            var mean0 = flat.index_select(0, data.Train.Labels!.eq(0).nonzero().squeeze(1)).mean(new long[] { 0 });
            var mean1 = flat.index_select(0, data.Train.Labels!.eq(1).nonzero().squeeze(1)).mean(new long[] { 0 });
            Assert.True((mean0 - mean1).abs().max().item<float>() > 0.3f, $"{path}: classes are not separable");
        }
        using var named = DatasetLoader.Load(new DataOptions { Path = TinyDataFiles.Csv(Directory.CreateDirectory(Path.Combine(dir, "named")).FullName, namedClasses: true) });
        Assert.Equal(Enumerable.Range(0, 3).Select(TinyDataFiles.ClassName), named.ClassNames);
    }

    [Fact]
    public void UnknownExtensionsAndMissingPathsAreRefused()
    {
        var path = Path.Combine(dir, "data.parquet");
        File.WriteAllText(path, "x");
        var e = Assert.Throws<LatentException>(() => DatasetLoader.Load(new DataOptions { Path = path }));
        Assert.Contains("data.parquet: unknown data file extension '.parquet'", e.Message);
        var missing = Path.Combine(dir, "nope.npz");
        Assert.Contains($"{missing}: no such file or folder", Assert.Throws<LatentException>(() => DatasetLoader.Load(new DataOptions { Path = missing })).Message);
        Assert.Contains("no such file or folder", Assert.Throws<LatentException>(() => DatasetLoader.Load(new DataOptions { Path = TinyDataFiles.Csv(dir), TestPath = missing })).Message);
    }

    [Fact]
    public void AnNpzWrittenByNumPyLoads()
    {
        var python = PythonWithNumPy();
        if (python is null)
        {
            output.WriteLine("skipped: python3 with numpy is not installed; the hand-written .npz tests cover the format");
            return;
        }
        foreach (var function in new[] { "savez", "savez_compressed" })
        {
            var path = Path.Combine(dir, $"{function}.npz");
            var script = "import numpy as np, sys\n" +
                         "x = (np.arange(4 * 3 * 2) % 256).astype(np.uint8).reshape(4, 3, 2)\n" +
                         "y = np.array([0, 3, 1, 2], dtype=np.int64)\n" +
                         $"np.{function}(sys.argv[1], x_train=x, y_train=y, x_test=x[:2], y_test=y[:2])\n";
            Assert.Equal(0, RunPython(python, script, path));
            using var data = DatasetLoader.Load(new DataOptions { Path = path });
            Assert.Equal(new long[] { 4, 1, 3, 2 }, data.Train.Features.shape);
            Assert.Equal(Enumerable.Range(0, 24).Select(v => v / 255f), data.Train.Features.data<float>().ToArray());
            Assert.Equal(new long[] { 0, 3, 1, 2 }, data.Train.Labels!.data<long>().ToArray());
            Assert.Equal(4, data.ClassCount);
            Assert.Equal(2, data.Test.Count);
        }
        // Big-endian float64 colour images, channels last, in Fortran order, with [N, 1] uint16 labels.
        var fortran = Path.Combine(dir, "fortran.npz");
        Assert.Equal(0, RunPython(python, "import numpy as np, sys\n" +
            "x = np.asfortranarray(np.arange(2 * 3 * 4 * 3, dtype='>f8').reshape(2, 3, 4, 3))\n" +
            "np.savez_compressed(sys.argv[1], x_train=x, y_train=np.array([[1], [0]], dtype='>u2'))\n", fortran));
        using var colour = DatasetLoader.Load(new DataOptions { Path = fortran, TestFraction = 0.5 });
        var all = TorchSharp.torch.cat(new[] { colour.Train.Features, colour.Test.Features }, 0);
        var labels = TorchSharp.torch.cat(new[] { colour.Train.Labels!, colour.Test.Labels! }, 0).data<long>().ToArray();
        Assert.Equal(new long[] { 2, 3, 3, 4 }, all.shape);
        for (int i = 0; i < 2; i++)
        {
            int n = labels[i] == 1 ? 0 : 1;
            Assert.Equal(((n * 3 + 2) * 4 + 1) * 3 + 2, all[i, 2, 2, 1].item<float>());
        }
    }

    /// <summary>The first of python3 on the PATH and the system's /usr/bin/python3 that can import numpy, or null.</summary>
    private static string? PythonWithNumPy() => new[] { "python3", "/usr/bin/python3" }.FirstOrDefault(python =>
    {
        try
        {
            return RunPython(python, "import numpy") == 0;
        }
        catch (System.ComponentModel.Win32Exception)
        {
            return false;
        }
    });

    private static int RunPython(string python, string script, params string[] arguments)
    {
        var start = new ProcessStartInfo(python) { RedirectStandardError = true, RedirectStandardOutput = true };
        start.ArgumentList.Add("-c");
        start.ArgumentList.Add(script);
        foreach (var argument in arguments) start.ArgumentList.Add(argument);
        using var process = Process.Start(start)!;
        process.StandardOutput.ReadToEnd();
        process.StandardError.ReadToEnd();
        process.WaitForExit();
        return process.ExitCode;
    }
}
