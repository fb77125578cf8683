namespace Latent.Data;

/// <summary>
/// Moment-based deskewing of digit images, the classic MNIST preprocessing (LeCun et al.'s "deskewed" rows):
/// each image is sheared horizontally so that its ink has no row–column covariance, and shifted so that its
/// centre of mass lands on the image centre. Bilinear resampling through torch's affine_grid / grid_sample.
/// </summary>
public static class Deskew
{
    private const int Chunk = 4096;

    /// <summary>The shear (column shift per row) that makes an image's ink upright: Cov(row, column) / Var(row) of the intensity mass.</summary>
    public static Tensor Shear(Tensor images, int rows, int columns)
    {
        CheckShape(images, rows, columns);
        using var scope = NewDisposeScope();
        var (_, _, shear) = Moments(images, rows, columns);
        return shear.MoveToOuterDisposeScope();
    }

    /// <summary>Deskews float images [N, rows*columns] and returns new images of the same shape and dtype; blank images come back unchanged.</summary>
    public static Tensor Images(Tensor images, int rows, int columns)
    {
        CheckShape(images, rows, columns);
        var parts = new List<Tensor>();
        for (long start = 0; start < images.shape[0]; start += Chunk)
        {
            using var scope = NewDisposeScope();
            var chunk = images.narrow(0, start, Math.Min(Chunk, images.shape[0] - start));
            parts.Add(DeskewChunk(chunk, rows, columns).MoveToOuterDisposeScope());
        }
        if (parts.Count == 0) return images.clone();
        var result = cat(parts.ToArray(), 0);
        foreach (var part in parts) part.Dispose();
        return result;
    }

    private static void CheckShape(Tensor images, int rows, int columns)
    {
        if (rows < 2 || columns < 2) throw new LatentException($"deskew: images must be at least 2×2 pixels, got {rows}×{columns}");
        if (images.dim() != 2 || images.shape[1] != (long)rows * columns)
            throw new LatentException($"deskew: expected images [N, {rows * columns}] for {rows}×{columns} pixels, got [{string.Join(", ", images.shape)}]");
        if (!images.is_floating_point()) throw new LatentException($"deskew: expected floating-point intensities, got {images.dtype}");
    }

    private static Tensor DeskewChunk(Tensor chunk, int rows, int columns)
    {
        var n = chunk.shape[0];
        var (rowCentre, columnCentre, shear) = Moments(chunk, rows, columns);
        double middleRow = (rows - 1) / 2.0, middleColumn = (columns - 1) / 2.0;
        // grid_sample with align_corners: normalised coordinate = (pixel − middle) / middle. Output pixel (r, c) samples
        // the input at row rowCentre + (r − middleRow) and column columnCentre + (c − middleColumn) + shear·(r − middleRow).
        var theta = zeros(n, 2, 3, dtype: float64, device: chunk.device);
        theta[TensorIndex.Colon, 0, 0] = ones(n, dtype: float64, device: chunk.device);
        theta[TensorIndex.Colon, 0, 1] = shear * (middleRow / middleColumn);
        theta[TensorIndex.Colon, 0, 2] = (columnCentre - middleColumn) / middleColumn;
        theta[TensorIndex.Colon, 1, 1] = ones(n, dtype: float64, device: chunk.device);
        theta[TensorIndex.Colon, 1, 2] = (rowCentre - middleRow) / middleRow;
        var input = chunk.reshape(n, 1, rows, columns);
        var grid = nn.functional.affine_grid(theta.to(chunk.dtype), new long[] { n, 1, rows, columns }, align_corners: true);
        var sampled = nn.functional.grid_sample(input, grid, mode: GridSampleMode.Bilinear, padding_mode: GridSamplePaddingMode.Zeros, align_corners: true);
        return sampled.reshape(n, (long)rows * columns);
    }

    private static (Tensor RowCentre, Tensor ColumnCentre, Tensor Shear) Moments(Tensor images, int rows, int columns)
    {
        var mass = images.to(float64).reshape(images.shape[0], rows, columns);
        var rowIndex = arange(rows, dtype: float64, device: images.device).reshape(1, rows, 1);
        var columnIndex = arange(columns, dtype: float64, device: images.device).reshape(1, 1, columns);
        var total = mass.sum(new long[] { 1, 2 });
        var blank = total <= 0;
        var safeTotal = where(blank, ones_like(total), total);
        var rowCentre = where(blank, full_like(total, (rows - 1) / 2.0), (mass * rowIndex).sum(new long[] { 1, 2 }) / safeTotal);
        var columnCentre = where(blank, full_like(total, (columns - 1) / 2.0), (mass * columnIndex).sum(new long[] { 1, 2 }) / safeTotal);
        var rowOffset = rowIndex - rowCentre.reshape(-1, 1, 1);
        var columnOffset = columnIndex - columnCentre.reshape(-1, 1, 1);
        var rowVariance = (mass * rowOffset * rowOffset).sum(new long[] { 1, 2 }) / safeTotal;
        var covariance = (mass * rowOffset * columnOffset).sum(new long[] { 1, 2 }) / safeTotal;
        var shear = where(rowVariance > 0, covariance / where(rowVariance > 0, rowVariance, ones_like(rowVariance)), zeros_like(rowVariance));
        return (rowCentre, columnCentre, shear);
    }
}
