using Latent.IO;
using Latent.Reporting;
using SkiaSharp;

namespace Latent.Tests.Reporting;

public class ReportingTests : IDisposable
{
    private readonly string dir = Directory.CreateTempSubdirectory("latent-report-").FullName;

    public void Dispose() => Directory.Delete(dir, true);

    [Fact]
    public void HeatmapsLabelTheirRowsAndColumnsByNameOrIndex()
    {
        var matrix = new[,] { { 0.6, 0.1, 0.3 }, { 0.3, 0.6, 0.1 }, { 0.1, 0.3, 0.6 } };
        var named = new HeatmapChart("T", matrix, "noisy label", "true label", ["eight", "five", "three"]);
        static string[] Ticks(HeatmapChart chart, bool bottom)
        {
            var plot = chart.Build();
            plot.GetImageBytes(300, 300);
            var axis = bottom ? (ScottPlot.IAxis)plot.Axes.Bottom : plot.Axes.Left;
            return axis.TickGenerator.Ticks.Where(t => t.IsMajor).OrderBy(t => bottom ? t.Position : -t.Position).Select(t => t.Label).ToArray();
        }
        Assert.Equal(["eight", "five", "three"], Ticks(named, bottom: true));
        Assert.Equal(["eight", "five", "three"], Ticks(named, bottom: false));
        Assert.Equal(["0", "1", "2"], Ticks(new HeatmapChart("T", matrix), bottom: true));
        using (var png = SKBitmap.Decode(Figure.SavePng(Path.Combine(dir, "t.png"), [named], 1, 300, 300))) Assert.Equal(300, png.Width);
        Assert.Contains("2 names for a 3×3 matrix", Assert.Throws<LatentException>(() => new HeatmapChart("T", matrix, names: ["a", "b"])).Message);
    }

    [Fact]
    public void LineChartsAndFiguresArePngsOfTheRequestedSize()
    {
        var chart = new LineChart("loss", "step", "loss") { LogY = true }
            .Add("a", new double[] { 1, 2, 3 }, new[] { 1.0, 0.1, double.NaN })
            .Add("b", new double[] { 1, 2 }, new[] { 2.0, 0.0 });
        var single = chart.SavePng(Path.Combine(dir, "one.png"), 400, 300);
        var grid = Figure.SavePng(Path.Combine(dir, "grid.png"), new IChart[] { chart, chart, chart }, 2, 200, 150);
        using (var png = SKBitmap.Decode(single)) Assert.Equal((400, 300), (png.Width, png.Height));
        using (var png = SKBitmap.Decode(grid)) Assert.Equal((400, 300), (png.Width, png.Height));
        Assert.Throws<LatentException>(() => new LineChart("x", "x", "y").Add("bad", new double[] { 1 }, new double[] { 1, 2 }));
    }

    [Fact]
    public void AnEpochAxisWithIntegerXIsLabelledOnlyAtWholeEpochs()
    {
        static string[] Ticks(bool integerX)
        {
            var x = Enumerable.Range(1, 12).Select(i => i / 4.0).ToList();
            var plot = new LineChart("loss", "epoch", "loss") { IntegerX = integerX }.Add("batch loss", x, x.Select(v => 1 / v).ToList()).Build();
            plot.GetImageBytes(600, 400);
            return plot.Axes.Bottom.TickGenerator.Ticks.Where(t => t.IsMajor).Select(t => t.Label).ToArray();
        }
        var whole = Ticks(integerX: true);
        Assert.True(whole.Length >= 2, string.Join(" ", whole));
        Assert.All(whole, label => Assert.True(int.TryParse(label, out _), $"tick '{label}' is not a whole epoch"));
        Assert.Contains(Ticks(integerX: false), label => !int.TryParse(label, out _));
    }

    [Fact]
    public void ImageGridPlacesEachImageAtItsCell()
    {
        var pixels = new float[3 * 2 * 2];
        pixels[4 * 1 + 0] = 1f;
        var path = ImageGrid.SavePng(Path.Combine(dir, "grid.png"), pixels, 3, 2, 2, columns: 2, scale: 1);
        using var png = SKBitmap.Decode(path);
        Assert.Equal((2 * 4 + 2, 2 * 4 + 2), (png.Width, png.Height));
        // Image 1 (second column, first row) has its top-left pixel white; image 0's is black; gaps are grey.
        Assert.Equal(255, png.GetPixel(2 + 4, 2).Red);
        Assert.Equal(0, png.GetPixel(2, 2).Red);
        Assert.Equal(128, png.GetPixel(0, 0).Red);
        Assert.Throws<LatentException>(() => ImageGrid.SavePng(Path.Combine(dir, "bad.png"), pixels, 4, 2, 2, 2));
    }

    [Fact]
    public void ReportWritesMarkdownAndSelfContainedHtml()
    {
        var image = new LineChart("c", "x", "y").Add("s", new double[] { 0, 1 }, new double[] { 0, 1 }).SavePng(Path.Combine(dir, "c.png"));
        var report = new ReportDocument(dir, "Title <&>")
            .Heading("Section")
            .Paragraph("Uses `code` and **bold** and <tags>.")
            .Table(new[] { "a", "b" }, new[] { new[] { "1", "x|y" } })
            .Image(image, "a chart")
            .Code("line 1\nline 2");
        var (markdown, html) = report.Save();
        var md = File.ReadAllText(markdown);
        Assert.Contains("# Title <&>", md);
        Assert.Contains("| 1 | x\\|y |", md);
        Assert.Contains("![a chart](c.png)", md);
        var page = File.ReadAllText(html);
        Assert.Contains("<title>Title &lt;&amp;&gt;</title>", page);
        Assert.Contains("<code>code</code> and <strong>bold</strong> and &lt;tags&gt;", page);
        Assert.Contains("src=\"data:image/png;base64," + Convert.ToBase64String(File.ReadAllBytes(image)), page);
        Assert.Throws<LatentException>(() => report.Table(new[] { "a" }, new[] { new[] { "1", "2" } }));
    }

    [Fact]
    public void AtomicWriteLeavesNothingBehindWhenTheWriterFails()
    {
        var target = Path.Combine(dir, "out.txt");
        var e = Assert.Throws<LatentException>(() => AtomicFile.Write(target, temp =>
        {
            File.WriteAllText(temp, "half");
            throw new IOException("disk full");
        }));
        Assert.Equal($"{target}: cannot write (disk full)", e.Message);
        Assert.Empty(Directory.GetFiles(dir));
        AtomicFile.WriteText(target, "done");
        Assert.Equal("done", File.ReadAllText(target));
        Assert.Single(Directory.GetFiles(dir));
    }

    [Fact]
    public void AtomicWriteIntoAPathUnderAFileIsAOneLineError()
    {
        var file = Path.Combine(dir, "file");
        File.WriteAllText(file, "x");
        var e = Assert.Throws<LatentException>(() => AtomicFile.WriteText(Path.Combine(file, "out.txt"), "y"));
        Assert.Contains("is a file", e.Message);
    }
}
