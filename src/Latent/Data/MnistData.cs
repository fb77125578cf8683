namespace Latent.Data;

/// <summary>MNIST-format images as float32 intensities in [0,1] of shape [N, rows*cols] with int64 labels [N].</summary>
public sealed class MnistData : IDisposable
{
    /// <summary>Wraps images and labels that were already validated to agree in length.</summary>
    public MnistData(Tensor images, Tensor labels, int rows, int columns)
    {
        Images = images;
        Labels = labels;
        Rows = rows;
        Columns = columns;
    }

    /// <summary>Images, float32 [N, Rows*Columns] in [0,1].</summary>
    public Tensor Images { get; }

    /// <summary>Labels, int64 [N].</summary>
    public Tensor Labels { get; }

    /// <summary>Image height in pixels.</summary>
    public int Rows { get; }

    /// <summary>Image width in pixels.</summary>
    public int Columns { get; }

    /// <summary>Number of examples.</summary>
    public long Count => Images.shape[0];

    /// <summary>The first <paramref name="count"/> examples (a view, not a copy).</summary>
    public MnistData Take(long count) =>
        new(Images.narrow(0, 0, Math.Min(count, Count)), Labels.narrow(0, 0, Math.Min(count, Count)), Rows, Columns);

    /// <summary>Releases the native tensors.</summary>
    public void Dispose()
    {
        Images.Dispose();
        Labels.Dispose();
    }
}
