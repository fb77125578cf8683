using SkiaSharp;

namespace Latent.Reporting;

/// <summary>Renders one or more charts side by side into a single PNG.</summary>
public static class Figure
{
    /// <summary>Lays <paramref name="charts"/> out in a grid of <paramref name="columns"/> columns and writes a PNG atomically.</summary>
    public static string SavePng(string path, IReadOnlyList<IChart> charts, int columns, int panelWidth = 700, int panelHeight = 460)
    {
        if (charts.Count == 0) throw new LatentException($"{path}: a figure needs at least one chart");
        columns = Math.Clamp(columns, 1, charts.Count);
        int rows = (charts.Count + columns - 1) / columns;
        using var surface = SKSurface.Create(new SKImageInfo(columns * panelWidth, rows * panelHeight));
        surface.Canvas.Clear(SKColors.White);
        for (int i = 0; i < charts.Count; i++)
        {
            var png = charts[i].Build().GetImageBytes(panelWidth, panelHeight, ScottPlot.ImageFormat.Png);
            using var panel = SKBitmap.Decode(png);
            surface.Canvas.DrawBitmap(panel, i % columns * panelWidth, i / columns * panelHeight);
        }
        using var image = surface.Snapshot();
        using var encoded = image.Encode(SKEncodedImageFormat.Png, 100);
        AtomicFile.WriteStream(path, stream => encoded.SaveTo(stream));
        return path;
    }
}
